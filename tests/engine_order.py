"""When the Pulumi engine runs each step of an update, and what a failed step leaves done.

The mock tier's `World` (tests/test_lifecycle.py) applies a run step by step in this order, so that a run the cloud
refuses half-way leaves what the real engine leaves. The rules, from pulumi/pulumi v3.274.1 (the CLI the engine tier
builds), `pkg/resource/deploy`:

- Registration phase (deployment_executor.go `Execute`, `handleSingleEvent`): each resource the program registers gets
  its step (same, create, update, replace; a delete-first replacement deletes the old one in the same chain) as soon
  as the program sends the registration. The program sends it once its inputs, `depends_on`, parent and provider have
  resolved, that is once their own steps have completed: a step's ancestors always finish before it starts.
- Delete phase (`performPostSteps`): only once the program has finished and every registration step has completed,
  the deletes of what the program no longer registers and the old halves of create-before-delete replacements run,
  cut into antichains by step_generator.go `ScheduleDeletes` (dependents first: a resource goes after everything that
  depends on it, its `deletedWith` and parent links included, `graph.DependenciesOf`). Each antichain is started
  together (`ExecuteParallel`) and finishes before the next one starts.
- A failed step (step_executor.go `executeChain` → `cancelDueToError`) cancels the deployment, unless
  `--continue-on-error` is given (not our default) or the failure is a protected delete: no further step starts
  (`executeChain` checks the cancelled context before each step), a step already running finishes, and every step that
  finished is in the stack's state (`OnResourceStepPost` saves each to the snapshot as it completes). The main loop
  then exits without `performPostSteps`: a failure while registering leaves every delete undone.
- Protect is refused at preview already (step.go `DeleteStep.Apply` checks `protect` before it checks for a dry run;
  step_generator.go refuses to replace a protected resource in preview too). The deploy workflow previews before it
  applies (.github/actions/pulumi `preview-first`), so such a refusal changes nothing, like a refusal by the program.

So what a failed run leaves done is determined only in part. Determined: the ancestors of the failed step ran (had
several steps failed, the ancestors every one of them shares), its descendants did not, nor any later antichain. Left
to timing: a registration step neither ancestor nor descendant of the failure (it may have started before the
failure or not), and the other deletes of the failed delete's antichain (each was submitted to a worker of its own;
whether the submission came before the cancellation is a race). Those steps are `unsettled`. The engine tier holds the
engine to this (tests/engine/test_engine_catalogue.py `check_partial`): in prod's locked auth switch, the token's
delete, in the antichain of the refused linked service's, ran in every run here; the time package's default
provider, deleted with the last rotation schedule, is what puts the token there.

Not modelled, and refused loudly by the World should a scenario reach them: a create-before-delete replacement whose
new half finished and old half did not (the engine keeps the old one, marked for deletion by the next run), and a
lock deleted in the same antichain as something it covers (components/locks.py makes each lock depend on what it
holds). An unsettled `same` step leaves the state's old record, which differs from the new one at most in the
dependencies it lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from components.offline.plan import ResourceRecord


@dataclass(frozen=True)
class EngineStep:
    """One resource's step in a run: the registration step of a resource the program registers (`same`, `create`,
    `update`, `replace`), or a delete-phase step (`delete`; `replace` for the old half of a create-before-delete
    replacement)."""

    urn: str
    name: str
    verdict: str
    new: ResourceRecord | None = None
    """The record the state holds after the step (inputs as the engine stores them); None for a delete."""
    old: ResourceRecord | None = None
    """The record the state held before it; None for a create."""
    delete_first: bool = False
    """A replacement whose old resource goes first, in the same chain as the new one's create."""
    call: bool = True
    """For a step that deletes: the provider's delete is called (not for `retainOnDelete`, nor where the
    `deletedWith` resource goes in the same run: step.go `DeleteStep.Apply`)."""
    refusal: str = ""
    """Why the cloud refuses the step, once the World has asked it (empty: it goes through)."""


def upstream(record: ResourceRecord) -> set[str]:
    """What a registration waits for: the resources its inputs and `depends_on` name, its parent, its provider."""
    return {*record.dependencies, record.parent, record.provider} - {""}


def ancestors(records: Iterable[ResourceRecord]) -> dict[str, set[str]]:
    """URN → the URNs (of `records`) whose steps complete before its step starts, transitively."""
    by_urn = {r.urn: r for r in records}
    found: dict[str, set[str]] = {}

    def of(urn: str) -> set[str]:
        if urn not in found:
            direct = upstream(by_urn[urn]) & by_urn.keys()
            found[urn] = set(direct).union(*(of(d) for d in direct))
        return found[urn]

    for urn in by_urn:
        of(urn)
    return found


def settle_registrations(
    steps: list[EngineStep], up: Mapping[str, set[str]]
) -> tuple[list[EngineStep], list[EngineStep]]:
    """(done, unsettled) of a registration phase in which the steps with a refusal fail (at least one does)."""
    refused = {s.urn for s in steps if s.refusal}
    reached = [urn for urn in refused if not up[urn] & refused]
    """Refused steps whose ancestors all went through: one of these is the step that failed."""
    certain = set.intersection(*(up[urn] for urn in reached))
    blocked = refused | {s.urn for s in steps if up[s.urn] & refused}
    done = [s for s in steps if s.urn in certain]
    unsettled = [s for s in steps if s.urn not in certain and s.urn not in blocked]
    return done, unsettled


def default_provider(record: ResourceRecord) -> str:
    """The default provider a custom resource without an explicit one uses: the engine makes one per package and keeps
    it in the state like a resource (`pulumi:providers:<package>::default_<version>`); the mocks never see it."""
    if not record.custom or record.provider or record.type.startswith("pulumi:providers:"):
        return ""
    return f"default provider of {record.type.split(':', 1)[0]}"


def delete_antichains(
    condemned: list[ResourceRecord], state: list[ResourceRecord], staying: Iterable[ResourceRecord] = ()
) -> list[list[ResourceRecord]]:
    """step_generator.go `ScheduleDeletes`: the condemned resources in antichains, in the order they run. The graph is
    the state's (`getDepgraphForScheduling`): a resource depends on what it names, its `deletedWith`, its provider,
    its parent, and, where it names a component, that component's children listed before it (`DependenciesOf`).
    A package's default provider is condemned with the last resource using it (`staying`: what the program still
    registers): it goes after them, and so shapes the antichains, though nothing of it reaches the cloud."""
    order = {r.urn: i for i, r in enumerate(state)}
    by_urn = {r.urn: r for r in state}
    kept = {default_provider(r) for r in staying}

    def depends_on(record: ResourceRecord) -> set[str]:
        named = {*record.dependencies, record.deleted_with, record.provider, default_provider(record)} - {""}
        found = named | {record.parent}
        for urn in named:
            if urn in by_urn and not by_urn[urn].custom:
                found |= {
                    r.urn
                    for r in state
                    if order[r.urn] < order.get(record.urn, len(state)) and _descends(r, urn, by_urn)
                }
        return found

    left: dict[str, ResourceRecord | None] = {r.urn: r for r in condemned}
    left |= {p: None for r in condemned if (p := default_provider(r)) and p not in kept}
    edges = {urn: depends_on(r) if r else set() for urn, r in left.items()}
    layers: list[list[ResourceRecord]] = []
    while left:
        free = [urn for urn in left if not edges[urn] & left.keys()]
        assert free, "a dependency cycle among the deletes"
        layers.append([r for urn in free if (r := left[urn]) is not None])
        for urn in free:
            del left[urn]
    return [layer for layer in layers[::-1] if layer]


def _descends(record: ResourceRecord, ancestor: str, by_urn: Mapping[str, ResourceRecord]) -> bool:
    parent = record.parent
    while parent:
        if parent == ancestor:
            return True
        parent = by_urn[parent].parent if parent in by_urn else ""
    return False

#!/usr/bin/env bash
# Run a stack's smoke pipeline and wait for the result; while the factory's access is not in effect yet, start
# it again, for a bounded time.
#
#   .github/scripts/run-smoke-pipeline.sh <resource-group> <factory-name> <pipeline-name>
#
# Exit status: 0 a run succeeded; 1 it failed or was cancelled (ADF's message is printed), or still failed
# authorization when the access wait ran out; 2 it did not finish within SMOKE_TIMEOUT_SECONDS (the run is
# then cancelled); 64 bad usage. Any failing az call (not signed in, no such factory or pipeline) also ends the
# script with a non-zero status.
#
# Access (lifecycle row `rbac-propagation`): the `up` before this script may have just created the factory
# identity's role on the Key Vault or the workspace, and a role takes up to ten minutes to take effect. A run
# that fails on authorization — ADF's run message carries the Key Vault's 403 Forbidden or Databricks' 401/403
# — is started again after SMOKE_ACCESS_RETRY_SECONDS, each wait printed, until SMOKE_ACCESS_WAIT_SECONDS
# (default 600) have passed since the first such failure. Any other failure fails at once, and so does a Key
# Vault firewall refusal, which no waiting fixes.
#
# Environment: SMOKE_TIMEOUT_SECONDS (default 1800 a run: a new job cluster takes 5-7 minutes to start),
# SMOKE_POLL_SECONDS (default 15), SMOKE_ACCESS_WAIT_SECONDS (default 600), SMOKE_ACCESS_RETRY_SECONDS
# (default 60). SMOKE_FAKE_CLOCK=1 counts waits on a clock of its own instead of sleeping (tests).
# Needs the Azure CLI, signed in; the `datafactory` extension is added when missing. Statuses are ADF's
# pipeline-run statuses: Queued, InProgress, Succeeded, Failed, Canceling, Cancelled.
set -euo pipefail

usage() {
    echo "usage: $0 <resource-group> <factory-name> <pipeline-name>" >&2
    exit 64
}

[ "$#" -eq 3 ] || usage
group=$1
factory=$2
pipeline=$3
timeout=${SMOKE_TIMEOUT_SECONDS:-1800}
interval=${SMOKE_POLL_SECONDS:-15}
access_wait=${SMOKE_ACCESS_WAIT_SECONDS:-600}
access_retry=${SMOKE_ACCESS_RETRY_SECONDS:-60}
for number in "$timeout" "$interval" "$access_wait" "$access_retry"; do
    [[ $number =~ ^[0-9]+$ ]] || {
        echo "SMOKE_TIMEOUT_SECONDS, SMOKE_POLL_SECONDS, SMOKE_ACCESS_WAIT_SECONDS and SMOKE_ACCESS_RETRY_SECONDS are whole seconds" >&2
        exit 64
    }
done

# The clock: real time, or (SMOKE_FAKE_CLOCK) a counter that waiting advances, so tests never sleep.
fake_now=0
now() { if [ -n "${SMOKE_FAKE_CLOCK:-}" ]; then echo "$fake_now"; else date +%s; fi; }
pause() { if [ -n "${SMOKE_FAKE_CLOCK:-}" ]; then fake_now=$((fake_now + $1)); else sleep "$1"; fi; }

# ADF's pipeline run reports no error code of its own, only `message`, which carries the failed activity's
# error. Key Vault refuses a caller without the secret permission with 403 Forbidden (RBAC vaults:
# ForbiddenByRbac), its firewall with "Client address ... is not authorized and caller is not a trusted
# service"; Databricks answers 401 (UNAUTHENTICATED) or 403 (PERMISSION_DENIED), and ADF reports its
# Databricks error 3200 as "Error 403.".
access_failure() {
    grep -Eiq 'caller is not a trusted service' <<<"$1" && return 1
    grep -Eiq '\b(401|403)\b|forbidden|unauthori[sz]ed|unauthenticated|permission_denied' <<<"$1"
}

if ! az extension show --name datafactory --only-show-errors >/dev/null 2>&1; then
    az extension add --name datafactory --only-show-errors >/dev/null
fi
in_factory=(--resource-group "$group" --factory-name "$factory")

# One run, start to end: sets `run_id`, `status` and (for Failed or Cancelled) `message`; exits 2 on timeout.
run_once() {
    run_id=$(az datafactory pipeline create-run "${in_factory[@]}" --name "$pipeline" --query runId --output tsv)
    if [ -z "$run_id" ]; then
        echo "::error::no run id returned for pipeline $pipeline in factory $factory" >&2
        exit 1
    fi
    echo "Started $pipeline in $factory: run $run_id (timeout ${timeout}s)"
    local deadline=$(($(now) + timeout))
    while :; do
        status=$(az datafactory pipeline-run show "${in_factory[@]}" --run-id "$run_id" --query status --output tsv)
        case "$status" in
            Succeeded) return ;;
            Failed | Cancelled)
                message=$(az datafactory pipeline-run show "${in_factory[@]}" --run-id "$run_id" --query message --output tsv)
                return
                ;;
            *) echo "  $status" ;;
        esac
        if [ "$(now)" -ge "$deadline" ]; then
            echo "::error::smoke pipeline $pipeline did not finish within ${timeout}s (last status: $status); cancelling run $run_id" >&2
            az datafactory pipeline-run cancel "${in_factory[@]}" --run-id "$run_id" --only-show-errors || true
            exit 2
        fi
        pause "$interval"
    done
}

access_deadline=""
while :; do
    run_once
    if [ "$status" = Succeeded ]; then
        echo "Smoke pipeline $pipeline succeeded (run $run_id)."
        exit 0
    fi
    if [ "$status" = Cancelled ] || ! access_failure "$message"; then
        echo "::error::smoke pipeline $pipeline $status (run $run_id): ${message:-no message}" >&2
        exit 1
    fi
    [ -n "$access_deadline" ] || access_deadline=$(($(now) + access_wait))
    left=$((access_deadline - $(now)))
    if [ "$left" -lt "$access_retry" ]; then
        echo "::error::smoke pipeline $pipeline still fails authorization after waiting up to ${access_wait}s for role assignments to take effect (run $run_id): $message" >&2
        exit 1
    fi
    echo "::warning::smoke run $run_id failed authorization, as it does until a new role assignment takes effect (up to 10 minutes): $message"
    echo "Waiting ${access_retry}s before the next run (${left}s of the ${access_wait}s access wait left)."
    pause "$access_retry"
done

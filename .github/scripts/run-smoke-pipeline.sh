#!/usr/bin/env bash
# Run a stack's smoke pipeline once and wait for the result.
#
#   .github/scripts/run-smoke-pipeline.sh <resource-group> <factory-name> <pipeline-name>
#
# Exit status: 0 the run succeeded; 1 it failed or was cancelled (ADF's message is printed); 2 it did not
# finish within SMOKE_TIMEOUT_SECONDS (the run is then cancelled); 64 bad usage. Any failing az call
# (not signed in, no such factory or pipeline) also ends the script with a non-zero status.
#
# Environment: SMOKE_TIMEOUT_SECONDS (default 1800: a new job cluster takes 5-7 minutes to start),
# SMOKE_POLL_SECONDS (default 15). Needs the Azure CLI, signed in; the `datafactory` extension is added
# when missing. Statuses are ADF's pipeline-run statuses: Queued, InProgress, Succeeded, Failed,
# Canceling, Cancelled.
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
for number in "$timeout" "$interval"; do
    [[ $number =~ ^[0-9]+$ ]] || { echo "SMOKE_TIMEOUT_SECONDS and SMOKE_POLL_SECONDS are whole seconds" >&2; exit 64; }
done

if ! az extension show --name datafactory --only-show-errors >/dev/null 2>&1; then
    az extension add --name datafactory --only-show-errors >/dev/null
fi

in_factory=(--resource-group "$group" --factory-name "$factory")
run_id=$(az datafactory pipeline create-run "${in_factory[@]}" --name "$pipeline" --query runId --output tsv)
if [ -z "$run_id" ]; then
    echo "::error::no run id returned for pipeline $pipeline in factory $factory" >&2
    exit 1
fi
echo "Started $pipeline in $factory: run $run_id (timeout ${timeout}s)"

deadline=$(($(date +%s) + timeout))
while :; do
    status=$(az datafactory pipeline-run show "${in_factory[@]}" --run-id "$run_id" --query status --output tsv)
    case "$status" in
        Succeeded)
            echo "Smoke pipeline $pipeline succeeded (run $run_id)."
            exit 0
            ;;
        Failed | Cancelled)
            message=$(az datafactory pipeline-run show "${in_factory[@]}" --run-id "$run_id" --query message --output tsv)
            echo "::error::smoke pipeline $pipeline $status (run $run_id): ${message:-no message}" >&2
            exit 1
            ;;
        *)
            echo "  $status"
            ;;
    esac
    if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "::error::smoke pipeline $pipeline did not finish within ${timeout}s (last status: $status); cancelling run $run_id" >&2
        az datafactory pipeline-run cancel "${in_factory[@]}" --run-id "$run_id" --only-show-errors || true
        exit 2
    fi
    sleep "$interval"
done

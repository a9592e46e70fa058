#!/usr/bin/env bash
# The blue-green procedure scripted with kubectl the way the OpenShift Serverless docs do it
# ("Routing and managing traffic by using a blue-green strategy"): read revision names with
# `get -o jsonpath`, move traffic with `patch --type merge`, wait with `kubectl wait`.
# Steps as in bgctl: pin, deploy, stage (tags, candidate at 0%), split 50, promote.
# Usage: KUBECONFIG=... bench/kubectl-rollout.sh SERVICE IMAGE      (KUBECTL overrides the binary)
set -euo pipefail
svc=$1
image=$2
k=${KUBECTL:-kubectl}

# kubectl wait skips a Ready condition whose status.observedGeneration is behind metadata.generation.
wait_ready() { "$k" wait "ksvc/$svc" --for=condition=Ready --timeout=60s >/dev/null; }
traffic() { "$k" patch ksvc "$svc" --type merge -p "{\"spec\":{\"traffic\":$1}}" >/dev/null; }

# pin: the serving revision gets 100% by name, so the next deploy starts at 0%.
blue=$("$k" get ksvc "$svc" -o jsonpath='{.status.latestReadyRevisionName}')
traffic "[{\"revisionName\":\"$blue\",\"percent\":100}]"
wait_ready

# deploy: a template change creates the green revision.
"$k" patch ksvc "$svc" --type merge -p "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"image\":\"$image\"}]}}}}" >/dev/null
wait_ready
green=$("$k" get ksvc "$svc" -o jsonpath='{.status.latestCreatedRevisionName}')

# stage: both revisions under tags, green at 0%.
traffic "[{\"revisionName\":\"$blue\",\"percent\":100,\"tag\":\"stable\"},{\"revisionName\":\"$green\",\"percent\":0,\"tag\":\"candidate\"}]"
wait_ready

# split 50.
traffic "[{\"revisionName\":\"$blue\",\"percent\":50,\"tag\":\"stable\"},{\"revisionName\":\"$green\",\"percent\":50,\"tag\":\"candidate\"}]"
wait_ready

# promote: green takes all traffic, blue stays tagged at 0% for a rollback.
traffic "[{\"revisionName\":\"$green\",\"percent\":100,\"tag\":\"candidate\"},{\"revisionName\":\"$blue\",\"percent\":0,\"tag\":\"previous\"}]"
wait_ready

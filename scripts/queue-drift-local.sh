#!/usr/bin/env bash
# Runs queueDrift with `serverless invoke local --stage local` against a local SQS emulator
# (fauxqs) holding a drifted `celery` queue (VisibilityTimeout 30 s; the local stage expects
# 360 s). No npm, no AWS account. Extra arguments go to `serverless invoke local`, e.g.
#   scripts/queue-drift-local.sh --path events/queue-drift/cloudtrail-set-queue-attributes.json
# Environment: FAUXQS_PORT (default 4566; an emulator already answering there is reused and
# left running), QUEUE_VISIBILITY_TIMEOUT (default 30: the drifted value to create).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/node_modules/.bin"
export PATH="$BIN:$PATH" # node 22 and serverless from the project
PORT="${FAUXQS_PORT:-4566}"
ENDPOINT="http://127.0.0.1:${PORT}"
VT="${QUEUE_VISIBILITY_TIMEOUT:-30}"

healthy() { curl -fsS -o /dev/null "${ENDPOINT}/health" 2>/dev/null; }

started_pid=""
cleanup() { if [[ -n "$started_pid" ]]; then kill "$started_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

if healthy; then
  echo "fauxqs already running on :${PORT}, reusing it"
else
  echo "starting fauxqs on :${PORT}"
  FAUXQS_PORT="$PORT" FAUXQS_LOGGER=false "$BIN/node" "$BIN/fauxqs" >/dev/null 2>&1 &
  started_pid=$!
  for _ in $(seq 1 100); do healthy && break; sleep 0.1; done
  healthy || { echo "fauxqs did not start on :${PORT}" >&2; exit 1; }
fi

sqs() { # sqs <Action> <json body>: the SQS JSON protocol, as the SDK speaks it
  curl -fsS "${ENDPOINT}/" -H 'content-type: application/x-amz-json-1.0' \
    -H "x-amz-target: AmazonSQS.$1" -H 'authorization: AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/sqs/aws4_request' \
    --data "$2"
  echo
}
# Create the queue (a no-op when it exists), then force the drifted value.
sqs CreateQueue '{"QueueName":"celery"}' >/dev/null
url="$(sqs GetQueueUrl '{"QueueName":"celery"}' | sed -E 's/.*"QueueUrl":"([^"]+)".*/\1/')"
sqs SetQueueAttributes "{\"QueueUrl\":\"${url}\",\"Attributes\":{\"VisibilityTimeout\":\"${VT}\"}}" >/dev/null
echo "queue celery: ${url} VisibilityTimeout=${VT}"

export AWS_ENDPOINT_URL="$ENDPOINT" AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-x}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-x}"
export AWS_REGION="${AWS_REGION:-us-east-1}" SLS_TELEMETRY_DISABLED=1
serverless invoke local --stage local -f queueDrift "$@"

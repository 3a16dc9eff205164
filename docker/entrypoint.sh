#!/bin/sh
# Container entrypoint: make sure the gateway has a token before it binds 0.0.0.0 (the gateway refuses
# a non-loopback bind without one), then run clawgate with the given arguments.
# The token lives in the state volume (clawgate.json, mode 0600), never in the image or compose file;
# read it with: docker compose exec clawgate clawgate gateway auth-token
set -eu
if [ "${1:-}" = "gateway" ] && [ "${2:-}" = "run" ] && [ -z "${CLAWGATE_GATEWAY_TOKEN:-}" ] && [ -z "${CLAWGATE_GATEWAY_PASSWORD:-}" ]; then
  if ! clawgate config get gateway.auth.token >/dev/null 2>&1 && ! clawgate config get gateway.auth.password >/dev/null 2>&1; then
    token="$(node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64url'))")"
    clawgate config set -- gateway.auth.token "$token" >/dev/null
    echo "clawgate: created a gateway token in $CLAWGATE_STATE_DIR/clawgate.json (print it: docker compose exec clawgate clawgate gateway auth-token)" >&2
  fi
fi
exec clawgate "$@"

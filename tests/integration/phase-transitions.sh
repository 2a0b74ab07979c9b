#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# One campaign through every transition: a closed-loop ramp up with 4
# requests pipelined per connection and a mix with ${seq}/${rand} variables,
# an open-loop ramp, then a closed-loop ramp down. No error anywhere, every
# request of the run answered, each phase reported on its own.
source "$(dirname "$0")/lib.sh"
need_rig
{ campaign_head; cat <<YAML; } >"$WORK/t.yaml"
requests:
  - {name: small, path: "/64b?id=\${seq}&r=\${rand}", weight: 3}
  - {name: big, path: /4k, weight: 1}
phases:
  - {name: ramp, duration: 3s, connections: {from: 4, to: 32}, pipeline: 4}
  - {name: open, duration: 3s, rate: {from: 2k, to: 4k}}
  - {name: down, duration: 2s, connections: {from: 32, to: 2}}
expect:
  max_error_ratio: 0%
output: {folder: $WORK/t}
YAML
rc=0
timeout --signal=INT 90 "$DRENCH" run "$WORK/t.yaml" --quiet || rc=$?
[ "$rc" = 0 ] || fail "exit $rc"
python3 - "$WORK/t/report.json" <<'PY' || fail "phase accounting"
import json, sys
r = json.load(open(sys.argv[1]))
ph = r["phases"]
assert [p["name"] for p in ph] == ["ramp", "open", "down"], [p["name"] for p in ph]
req = sum(p["requests"] for p in ph)
resp = sum(sum(p["responses"].values()) for p in ph)
assert req > 0 and req == resp, (req, resp)
assert all(p["requests"] > 0 for p in ph), ph
# the open-loop phase asked for 3000/s on average over 3 s
o = ph[1]
assert abs(o["requests"] - 9000) <= 200, o["requests"]
assert o["requested_rate"] == 3000, o["requested_rate"]
print("requests per phase", [p["requests"] for p in ph])
PY
echo PASS

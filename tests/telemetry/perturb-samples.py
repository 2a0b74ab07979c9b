#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A recorded samples.jsonl as a loaded agent host would have sent it:
samples taken late (each delayed by up to JITTER seconds, in order per
target) and regular samples lost (each with probability DROP; checkpoint
samples are kept, a run waits for them). Deterministic for a seed.

    perturb-samples.py IN OUT SEED DROP JITTER
"""
import json
import random
import sys


def perturb(lines, rng, drop, jitter):
    last_t = {}
    for line in lines:
        obj = json.loads(line)
        sample = obj.get("sample")
        if sample is not None:
            if "checkpoint" not in sample and rng.random() < drop:
                continue
            t = sample["t"] + rng.uniform(0, jitter)
            sample["t"] = max(t, last_t.get(sample["target"], 0) + 0.001)
            last_t[sample["target"]] = sample["t"]
        yield json.dumps(obj)


def main():
    src, dst, seed, drop, jitter = sys.argv[1:6]
    rng = random.Random(int(seed))
    with open(src) as f, open(dst, "w") as out:
        for line in perturb(f, rng, float(drop), float(jitter)):
            out.write(line + "\n")


if __name__ == "__main__":
    main()

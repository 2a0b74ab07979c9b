#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The deploy/ manifests carry what a sharded run needs, checked by parsing.

No Kubernetes schema validator is packaged in Debian (kubeconform and kubeval
are not; kubectl's dry run needs a cluster), so the Kubernetes files are
parsed with python3-yaml and checked for the fields a sharded drench run
depends on; the campaign in the ConfigMap goes through `drench check`; the
Ansible playbook goes through `ansible-playbook --syntax-check`.
Usage: DRENCH=path/to/drench check-manifests.py
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
K8S = os.path.join(ROOT, "deploy", "kubernetes")
problems = []


def want(cond, what):
    if not cond:
        problems.append(what)


def load(name):
    with open(os.path.join(K8S, name)) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def by_kind(docs, kind, name):
    for d in docs:
        if d.get("kind") == kind and d.get("metadata", {}).get("name") == name:
            return d
    problems.append(f"no {kind} {name}")
    return {}


def check_shard_job(job, configmaps, claims):
    spec = job.get("spec", {})
    n = spec.get("completions")
    want(job.get("apiVersion") == "batch/v1", "job: apiVersion batch/v1")
    want(spec.get("completionMode") == "Indexed", "job: completionMode Indexed")
    want(isinstance(n, int) and n >= 2, "job: completions N >= 2")
    want(spec.get("parallelism") == n, "job: parallelism = completions (one start time)")
    want(spec.get("backoffLimit") == 0, "job: backoffLimit 0 (a shard never runs twice)")
    pod = spec.get("template", {}).get("spec", {})
    want(pod.get("restartPolicy") == "Never", "job: restartPolicy Never")
    anti = pod.get("affinity", {}).get("podAntiAffinity", {})
    want(anti.get("requiredDuringSchedulingIgnoredDuringExecution"),
         "job: one shard per node (podAntiAffinity)")
    (c,) = pod.get("containers", [{}])
    cmd = " ".join(c.get("command", []) + c.get("args", []))
    want(re.search(r'--shard "\$JOB_COMPLETION_INDEX/%s"' % n, cmd),
         f"job: --shard $JOB_COMPLETION_INDEX/{n}")
    want("--start-at" in cmd, "job: --start-at")
    want('[ "$rc" -le 1 ] || exit "$rc"' in cmd, "job: a shard's own gate is not the Job's")
    res = c.get("resources", {})
    want(res.get("requests") == res.get("limits"), "job: requests = limits (Guaranteed QoS)")
    lim = res.get("limits", {})
    want(str(lim.get("cpu", "")).isdigit(), "job: whole CPUs (static CPU manager)")
    huge = [k for k in lim if k.startswith("hugepages-")]
    want(huge, "job: hugepages in the limits")
    want(any("/" in k and not k.startswith("hugepages") for k in lim),
         "job: a device resource (SR-IOV VF)")
    caps = c.get("securityContext", {}).get("capabilities", {}).get("add", [])
    want("IPC_LOCK" in caps, "job: IPC_LOCK for hugepages")
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
    want(any(v.get("emptyDir", {}).get("medium", "").startswith("HugePages") and
             mounts.get(k) == "/dev/hugepages" for k, v in vols.items()),
         "job: a HugePages emptyDir on /dev/hugepages")
    cm = [v["configMap"]["name"] for v in vols.values() if "configMap" in v]
    want(cm and cm[0] in configmaps, "job: the campaign ConfigMap exists")
    want("/campaign/campaign.yaml" in cmd and "/campaign" in mounts.values(),
         "job: runs the ConfigMap's campaign.yaml")
    env = {e["name"]: e for e in c.get("env", [])}
    ref = env.get("START_AT", {}).get("valueFrom", {}).get("configMapKeyRef", {})
    want(ref.get("name") in configmaps and
         ref.get("key") in configmaps.get(ref.get("name"), {}).get("data", {}),
         "job: START_AT from a ConfigMap key that exists")
    pvc = [v["persistentVolumeClaim"]["claimName"] for v in vols.values()
           if "persistentVolumeClaim" in v]
    want(pvc and pvc[0] in claims, "job: results on a claim that exists")
    return n, pvc[0] if pvc else None


def check_merge_job(job, claim):
    pod = job.get("spec", {}).get("template", {}).get("spec", {})
    (c,) = pod.get("containers", [{}])
    cmd = " ".join(c.get("command", []) + c.get("args", []))
    want(re.search(r"drench merge /results/shard-\*/report\.json --output", cmd),
         "merge: drench merge of every shard's report")
    want(not any(k.startswith("hugepages") for k in c.get("resources", {}).get("limits", {})),
         "merge: no hugepages (it needs no DPDK)")
    claims = [v.get("persistentVolumeClaim", {}).get("claimName") for v in pod.get("volumes", [])]
    want(claim in claims, "merge: reads the shards' claim")


def check_kubelet(cfg):
    want(cfg.get("kind") == "KubeletConfiguration", "kubelet: a KubeletConfiguration")
    want(cfg.get("cpuManagerPolicy") == "static", "kubelet: cpuManagerPolicy static")
    want(cfg.get("topologyManagerPolicy") in ("single-numa-node", "restricted"),
         "kubelet: a NUMA topology manager policy")


def check_campaign(cm, n):
    drench = os.environ.get("DRENCH")
    text = cm.get("data", {}).get("campaign.yaml", "")
    c = yaml.safe_load(text)
    first, last = c["rig"]["local_ips"][0].split("-")
    count = int(last.split(".")[-1]) - int(first.split(".")[-1]) + 1
    want(count >= n, f"campaign: {count} local addresses for {n} shards (one each)")
    if not drench:
        problems.append("DRENCH is not set: the campaign was not checked")
        return
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
        f.write(text)
        f.flush()
        # the PCI address is set per pod; here a vdev stands in for it
        r = subprocess.run([drench, "check", f.name, "--set", 'rig.ports=["net_null0"]',
                            "--set", "rig.lcores.workers=[1]", "--set", "rig.lcores.telemetry=0",
                            "--set", f"shard=0/{n}"], capture_output=True, text=True)
        want(r.returncode == 0, "campaign: drench check: " + r.stdout + r.stderr)


def check_ansible():
    play = os.path.join(ROOT, "deploy", "ansible", "drench-shards.yml")
    inv = os.path.join(ROOT, "deploy", "ansible", "inventory.example.ini")
    r = subprocess.run(["ansible-playbook", "--syntax-check", "-i", inv, play],
                       capture_output=True, text=True)
    want(r.returncode == 0, "ansible: syntax check: " + r.stdout + r.stderr)
    with open(play) as f:
        plays = yaml.safe_load(f)
    text = open(play).read()
    want("groups['generators'].index(inventory_hostname)" in text, "ansible: shard from host order")
    want("--start-at" in text and "run_once: true" in text, "ansible: one start time for all")
    want(any("drench merge" in str(t) for p in plays for t in p.get("tasks", [])),
         "ansible: a merge step")


def main():
    cms = {d["metadata"]["name"]: d for d in load("configmap.yaml")}
    claims = {d["metadata"]["name"] for d in load("results-pvc.yaml")}
    n, claim = check_shard_job(by_kind(load("job.yaml"), "Job", "drench-shards"), cms, claims)
    check_merge_job(by_kind(load("merge-job.yaml"), "Job", "drench-merge"), claim)
    check_kubelet(load("kubelet-config.yaml")[0])
    kust = load("kustomization.yaml")[0]
    for r in kust.get("resources", []):
        want(os.path.exists(os.path.join(K8S, r)), f"kustomization: {r} exists")
    check_campaign(cms.get("drench-campaign", {}), n)
    check_ansible()
    for p in problems:
        print("FAIL:", p)
    if not problems:
        print(f"PASS: {n} shards; not run here: a Kubernetes API server's validation, "
              "the SR-IOV device plugin, Multus, the kubelet's CPU and topology managers")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

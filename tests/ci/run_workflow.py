#!/usr/bin/env python3
"""Runs the `run:` steps of a GitHub Actions workflow job on this machine, as the
runner would (bash -e, the job's and the step's env), in a working directory.

Usage: run_workflow.py WORKFLOW WORKDIR [SKIPPED_STEP_NAME]...
Steps that `uses:` an action are listed and skipped, and so are the named ones.
Exit status: that of the first failing step, 0 if all passed, 77 if PyYAML is missing.
"""
import os
import subprocess
import sys

try:
    import yaml
except ImportError:
    print("python3-yaml is not installed", file=sys.stderr)
    sys.exit(77)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        workflow = yaml.safe_load(f)
    workdir = sys.argv[2]
    skipped = set(sys.argv[3:])
    ran = 0
    for job_name, job in workflow["jobs"].items():
        job_env = {k: str(v) for k, v in (job.get("env") or {}).items()}
        for step in job["steps"]:
            name = step.get("name", step.get("uses", "?"))
            if "run" not in step or name in skipped:
                print(f"[{job_name}] skipped: {name}", flush=True)
                continue
            env = dict(os.environ)
            env.update(job_env)
            env.update({k: str(v) for k, v in (step.get("env") or {}).items()})
            env.setdefault("RUNNER_TEMP", workdir)
            print(f"[{job_name}] run: {name}", flush=True)
            status = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                    cwd=workdir, env=env, check=False).returncode
            ran += 1
            if status != 0:
                print(f"[{job_name}] step '{name}' failed with exit status {status}", flush=True)
                return status
    print(f"{ran} run steps passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

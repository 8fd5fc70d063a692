#!/usr/bin/env python3
"""Validates a linespec JSON report against docs/report-schema.json.

Usage: validate_report.py SCHEMA REPORT [MUTATION]
MUTATION changes the report first, to show that the schema constrains it:
  bad-verdict      the first case's verdict becomes "MAYBE"
  missing-field    the first case loses "replay_command"
  extra-field      the report gains a top-level "colour" field
  bad-summary      summary.failed becomes -1
Exit status: 0 valid, 1 invalid (the first error on stderr), 77 jsonschema missing.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed", file=sys.stderr)
    sys.exit(77)


def mutate(report, mutation):
    if mutation == "bad-verdict":
        report["cases"][0]["verdict"] = "MAYBE"
    elif mutation == "missing-field":
        del report["cases"][0]["replay_command"]
    elif mutation == "extra-field":
        report["colour"] = "green"
    elif mutation == "bad-summary":
        report["summary"]["failed"] = -1
    else:
        raise SystemExit(f"unknown mutation {mutation}")


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        report = json.load(f)
    if len(sys.argv) == 4:
        mutate(report, sys.argv[3])
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(report), key=lambda e: list(e.path))
    if errors:
        error = errors[0]
        print(f"invalid at {'/'.join(str(p) for p in error.path) or '(root)'}: {error.message[:300]}",
              file=sys.stderr)
        return 1
    print(f"valid: {len(report['cases'])} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())

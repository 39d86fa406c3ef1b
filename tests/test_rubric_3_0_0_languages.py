"""Rubric 3.0.0: worked examples of the rules of TypeScript, SQL, Bash, YAML and other languages."""

from __future__ import annotations

import pytest

from tests.test_rubric_3_0_0 import _extra, _rules, _score


def test_documentation_sql_dash_comments_count():
    migration = (
        "-- Orders placed by customers; one row per checkout.\n"
        "-- Totals are stored rounded, as invoiced.\n"
        "CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, total numeric);\n"
        "COMMENT ON TABLE orders IS 'One row per checkout';\n"
    )
    full, _ = _score({"code": migration, "language": "sql"})
    assert full.dims.documentation >= 0.8
    bare = "CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, total numeric);\n"
    assert _score({"code": bare, "language": "sql"})[0].dims.documentation == 0.0


def test_documentation_typescript_jsdoc_and_typed_props():
    code = (
        "/** A card with a title. */\n"
        "export function Card({ title }: { title: string }): string {\n  return title;\n}\n"
    )
    full, findings = _score({"code": code, "language": "ts"})
    ann = next(f for f in findings if f.rule == "annotations")
    assert ann.detail == "2/2 parameters and returns annotated"
    assert full.dims.documentation >= 0.6


def test_metadata_richness_reads_a_contract_yaml_itself():
    contract = (
        "# Order total node.\nname: order_total\nnode_type: compute\ncontract_version: 1.0.0\n"
        "description: Totals an order\ninputs:\n  lines: list\noutputs:\n  total: Decimal\n"
    )
    full, _ = _score({"code": contract, "path": "nodes/order/contract.yaml"})
    assert full.dims.metadata_richness == pytest.approx(0.4)
    assert full.dims.onex_compliance >= 0.6


def test_robustness_bash_strict_mode_and_quoting():
    loose = "cp $SRC /tmp/x\n"
    strict = 'set -euo pipefail\ncp "$SRC" /tmp/x\n'
    lf = _score({"code": loose, "language": "bash"})
    sf = _score({"code": strict, "language": "bash"})
    assert {"strict_mode", "unquoted_expansion"} <= set(_rules(lf[1], "robustness"))
    assert _extra(sf[0])["robustness_score"] == 1.0
    assert _extra(lf[0])["robustness_score"] == pytest.approx(1.0 - 0.05 - 0.3)


def test_robustness_sql_idempotency_and_unbounded_writes():
    full, findings = _score(
        {"code": "CREATE TABLE t (id int);\nDELETE FROM t;\n", "language": "sql"}
    )
    assert _rules(findings, "robustness") == ["base", "non_idempotent_ddl", "unbounded_write"]
    assert _extra(full)["robustness_score"] == pytest.approx(1.0 - 0.1 - 0.2)


def test_robustness_typescript_any_and_empty_catch():
    code = (
        "export function f(x: any): number {\n  try { return g(x); } catch (e) {}\n  return 0;\n}\n"
    )
    _, findings = _score({"code": code, "language": "typescript"})
    assert {"any_in_signature", "swallowed_exception"} <= set(_rules(findings, "robustness"))


def test_robustness_yaml_duplicate_keys():
    _, findings = _score({"code": "name: a\nname: b\n", "language": "yaml"})
    assert "duplicate_key" in _rules(findings, "robustness")


def test_other_language_is_not_scored_by_language_rules():
    full, findings = _score({"code": "package main\nfunc main() {}\n", "language": "go"})
    notes = [f for f in findings if f.rule == "not_scored"]
    assert len(notes) == 5 and "language 'go'" in notes[0].detail
    assert full.dims.completeness == 0.5 and _extra(full)["substance_score"] == 0.5


def test_sql_alter_and_backfill_updates():
    code = (
        "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n"
        "ALTER TABLE t ADD COLUMN IF NOT EXISTS b int;\n"
        "ALTER TABLE t ADD COLUMN c int;\n"
        "UPDATE t SET a = COALESCE(a, 0);\n"
    )
    _, findings = _score({"code": code, "language": "sql"})
    assert _rules(findings, "robustness") == ["base", "non_idempotent_ddl"]
    assert "line 3" in next(f.detail for f in findings if f.rule == "non_idempotent_ddl")

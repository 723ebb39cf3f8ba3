"""`python -m bench --smoke` runs end to end and prints well-formed figure lines.

It asserts nothing about speed (a few hundred items on a shared machine prove nothing); it keeps
the harness from rotting as the product changes. The run uses its own throwaway SQLite database.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "doc_page_vs_hello_rps",
    "doc_first_view_vs_hello_rps",
    "doc_page_p95_ms",
    "doc_page_queries",
    "nc_admin_list_queries",
    "audit_workspace_queries",
    "nc_page_queries",
    "risk_page_queries",
    "review_page_queries",
    "objectives_table_queries",
    "risk_admin_list_queries",
    "procedures_public_list_queries",
    "procedures_admin_list_queries",
    "procedure_figures_admin_list_queries",
    "procedures_public_list_vs_hello",
    "audit_workspace_vs_hello",
    "nc_admin_list_vs_hello",
    "master_list_vs_hello",
    "admin_dashboard_vs_hello",
    "mixed_load_p95_ms",
    "mixed_load_errors",
    "sweep_s_100k",
    "sweep_growth",
    "sweep_queries",
    "xlsx_export_ratio",
    "xlsx_export_peak_mib",
    "import_10k_dry_run_s",
    "hostile_import_max_s",
}


@pytest.mark.bench
def test_smoke_run_prints_every_figure_as_a_json_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    output = tmp_path / "results.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "bench", "--smoke", "--output", str(output)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Generous: a shared, loaded machine; the run itself asserts nothing about time.
        stdout, stderr = process.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        process.terminate()  # SIGTERM: the harness stops its gunicorn and drops its database
        stdout, stderr = process.communicate(timeout=60)
        pytest.fail(f"the smoke run did not finish in 15 minutes: {stderr[-4000:]}")
    assert process.returncode == 0, stderr[-4000:]
    lines = [json.loads(text) for text in stdout.splitlines() if text.strip()]
    for figure in lines:
        assert {"figure", "value", "unit", "goal"} <= figure.keys(), figure
        # A figure is a measurement or says why there is none; never a number made up.
        assert figure["value"] is not None or figure.get("note"), figure
    assert {figure["figure"] for figure in lines} == EXPECTED
    assert json.loads(output.read_text()) == lines

"""The alert rules and the Grafana dashboard read only metrics and labels the code exports; promtool, when built,
checks the rules and runs their unit tests (deploy/prometheus/alerts_test.yml)."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

import tenderflow_common.backlog_metrics
import tenderflow_common.metrics
import tenderflow_ingest.extraction_metrics
import tenderflow_jobs.job_metrics
import tenderflow_questions.providers.observed

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
CHART_RULES = ROOT / "deploy" / "helm" / "tenderflow" / "files" / "alerts.yml"
RULE_TESTS = ROOT / "deploy" / "prometheus" / "alerts_test.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "tenderflow.json"
PROMETHEUS_CONFIG = ROOT / "deploy" / "compose" / "prometheus.yml"
METRIC_MODULES = (tenderflow_common.metrics, tenderflow_common.backlog_metrics, tenderflow_jobs.job_metrics,
                  tenderflow_ingest.extraction_metrics, tenderflow_questions.providers.observed)
SUFFIXES = {"counter": ("_total",), "gauge": ("",), "histogram": ("_bucket", "_count", "_sum")}
# The histogram bucket bound, which the client library adds itself.
QUERY_LABELS = {"le"}
# Prometheus's own series per target, and the labels its targets carry (the compose stack's and a ServiceMonitor's).
SCRAPE_SERIES = {"up": {"job", "instance", "service"}}
REQUIRED_ALERTS = {"TenderflowConsumerLagGrowing", "TenderflowOutboxStuck", "TenderflowDeadLetters",
                   "TenderflowServerErrors", "TenderflowJobsStalled", "TenderflowJobsEndedStalled",
                   "TenderflowServiceDown"}


def exported() -> dict[str, set[str]]:
    """Every series name the services expose, with the labels its metric carries."""
    series: dict[str, set[str]] = dict(SCRAPE_SERIES)
    for module in METRIC_MODULES:
        for metric in vars(module).values():
            if isinstance(metric, MetricWrapperBase):
                for suffix in SUFFIXES[metric._type]:
                    series[metric._name + suffix] = set(metric._labelnames)
    return series


def rule_expressions() -> dict[str, str]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return {rule["alert"]: rule["expr"] for group in groups for rule in group["rules"]}


def dashboard_expressions() -> dict[str, str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return {f"{panel['title']} ({target['refId']})": target["expr"]
            for panel in panels for target in panel.get("targets", ())}


def unknown_names(expression: str, series: dict[str, set[str]]) -> list[str]:
    """Metric names, and labels matched or grouped by, that no exported metric has."""
    used = set(re.findall(r"\btenderflow_\w+|\bup(?=\s*[{=!<>])", expression))
    problems = [name for name in sorted(used) if name not in series]
    known_labels = set().union(*(series.get(name, set()) for name in used)) | QUERY_LABELS
    matched = re.findall(r"\b(\w+)\s*(?:=~|!~|!=|=)\s*\"", expression)
    grouped = [label.strip() for group in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", expression)
               for label in group.split(",") if label.strip()]
    problems += [f"label {label}" for label in [*matched, *grouped] if label not in known_labels]
    return problems


def test_the_chart_carries_exactly_these_rules():
    assert CHART_RULES.read_bytes() == RULES.read_bytes(), (
        f"copy {RULES.relative_to(ROOT)} to {CHART_RULES.relative_to(ROOT)}: the chart renders it")


def test_the_required_alerts_exist_with_a_severity_and_a_summary():
    groups = yaml.safe_load(RULES.read_text())["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    assert {rule["alert"] for rule in rules} >= REQUIRED_ALERTS
    for rule in rules:
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]


@pytest.mark.parametrize("source", [rule_expressions, dashboard_expressions])
def test_every_metric_and_label_read_is_one_the_code_exports(source):
    series = exported()
    expressions = source()
    assert expressions
    problems = {where: found for where, expression in expressions.items()
                if (found := unknown_names(expression, series))}
    assert not problems


def test_the_check_itself_finds_a_misspelt_metric_and_label():
    series = exported()
    assert unknown_names('sum by (topik) (rate(tenderflow_dead_letter_total{topic="x"}[5m]))', series) == [
        "tenderflow_dead_letter_total", "label topic", "label topik"]
    assert unknown_names('sum by (topic) (rate(tenderflow_dead_letters_total{topic="x"}[5m]))', series) == []


def test_every_dashboard_panel_reads_the_provisioned_data_source():
    datasource = yaml.safe_load((ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text())
    uid = datasource["datasources"][0]["uid"]
    panels = [panel for panel in json.loads(DASHBOARD.read_text())["panels"] if panel["type"] != "row"]
    assert panels and all(panel["datasource"]["uid"] == uid for panel in panels)


def test_the_compose_stack_mounts_the_rules_where_its_prometheus_reads_them_and_the_dashboards_in_grafana():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    [rule_path] = yaml.safe_load(PROMETHEUS_CONFIG.read_text())["rule_files"]
    assert f"./{RULES.relative_to(ROOT)}:{rule_path}:ro" in services["prometheus"]["volumes"]
    grafana_volumes = services["grafana"]["volumes"]
    assert f"./{DASHBOARD.parent.relative_to(ROOT)}:/var/lib/grafana/dashboards:ro" in grafana_volumes
    assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in grafana_volumes


def promtool() -> str | None:
    """The promtool on PATH, or the one tools/promtool.sh built into Go's bin folder."""
    go_bin = Path(os.environ.get("GOBIN") or Path(os.environ.get("GOPATH", Path.home() / "go")) / "bin")
    return shutil.which("promtool") or (str(go_bin / "promtool") if (go_bin / "promtool").is_file() else None)


@pytest.mark.skipif(promtool() is None, reason="promtool is not built (tools/promtool.sh builds it)")
def test_promtool_accepts_the_rules_and_their_unit_tests_pass():
    checked = subprocess.run([promtool(), "check", "rules", str(RULES)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = subprocess.run([promtool(), "test", "rules", str(RULE_TESTS)], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr


@pytest.mark.skipif(promtool() is None, reason="promtool is not built (tools/promtool.sh builds it)")
def test_promtool_accepts_the_compose_prometheus_config(tmp_path):
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text())
    config["rule_files"] = [str(RULES)]
    local = tmp_path / "prometheus.yml"
    local.write_text(yaml.safe_dump(config))
    checked = subprocess.run([promtool(), "check", "config", str(local)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr

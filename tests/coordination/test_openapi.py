import yaml
from django.core.management import call_command


def test_the_api_is_documented_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    for path in [
        "/api/v1/supervisees/",
        "/api/v1/supervisees/{uuid}/",
        "/api/v1/referrals/{uuid}/accept/",
        "/api/v1/referrals/{uuid}/complete/",
        "/api/v1/needs/",
        "/api/v1/case-notes/",
        "/api/v1/notifications/",
        "/api/v1/access-log/",
    ]:
        assert path in paths, path

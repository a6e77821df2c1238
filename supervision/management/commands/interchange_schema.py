"""Write schema/case-v1.json from ``supervision.interchange.format`` (``--check`` only compares)."""

from django.core.management.base import BaseCommand, CommandError

from supervision.interchange import format as fmt


class Command(BaseCommand):
    help = "Generate schema/case-v1.json, the JSON Schema of a case package (docs/interchange.md)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail if the committed file is stale")

    def handle(self, *args, check: bool = False, **options):
        path = fmt.SCHEMA_PATH
        text = fmt.schema_text()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is stale: run `manage.py interchange_schema`.")
            self.stdout.write("up to date")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")

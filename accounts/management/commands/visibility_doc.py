"""Write docs/visibility.md from the policy registry (``--check`` only compares)."""

from django.core.management.base import BaseCommand, CommandError

from accounts import visibility_doc


class Command(BaseCommand):
    help = "Generate docs/visibility.md (who sees what) from the registered scoping policies."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail if the committed file is stale")

    def handle(self, *args, check: bool = False, **options):
        path = visibility_doc.default_path()
        text = visibility_doc.render()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is stale: run `manage.py visibility_doc`.")
            self.stdout.write("up to date")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")

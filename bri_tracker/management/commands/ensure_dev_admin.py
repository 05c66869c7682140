import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Development only: create the local admin account with a random "
        "password and print it once. Does nothing if the account exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--site", default="http://127.0.0.1:8000")

    def handle(self, *args, username, site, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_dev_admin runs only with DEBUG on.")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Admin account “{username}” exists; its password was printed when "
                "it was created (reset it with `manage.py changepassword "
                f"{username}`)."
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "\nLocal admin account created (shown once):\n"
                f"  {site.rstrip('/')}/admin/\n"
                f"  username: {username}\n  password: {password}\n"
            )
        )

"""A seed that meets a bad fixture writes nothing."""

import json
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from countries.models import Country
from projects.models import Project
from sources.models import Source

FIXTURES = settings.BASE_DIR / "fixtures"


@pytest.mark.django_db
def test_seed_command_refuses_a_bad_fixture_and_writes_nothing(tmp_path):
    broken = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, broken)
    key_path = broken / "press_releases" / "answer_key.json"
    key = json.loads(key_path.read_text())
    figure = key["004_fb344b9d2ee28df1.txt"]["figures"][-1]
    figure["quote"] = "a sentence the release never printed"
    key_path.write_text(json.dumps(key))

    with pytest.raises(CommandError, match="quote is not in the text"):
        call_command("seed", fixtures=broken)

    assert Project.objects.count() == 0
    assert Country.objects.count() == 0
    assert Source.objects.count() == 0

"""Staff logins through the admin's login page: the lockout (by username and by address, with a
cool-off and a superuser's unlock), the one-time code step, enrollment when production requires
it, session expiry and the configurable admin address."""

import importlib
import logging
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.backends import ModelBackend
from django.core.management import call_command
from django.test import Client
from django.urls import clear_url_caches, reverse
from django.utils import timezone
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-passphrase"


@pytest.fixture
def nurse(django_user_model):
    return django_user_model.objects.create_user("yan", password=PASSWORD, is_staff=True)


def log_in(client: Client, username: str, password: str, **extra):
    """The login page's first step, as the browser posts it."""
    data = {
        "admin_login_view-current_step": "auth",
        "auth-username": username,
        "auth-password": password,
    }
    return client.post(reverse("admin:login"), data, **extra)


def enter_code(client: Client, code: str):
    data = {"admin_login_view-current_step": "token", "token-otp_token": code}
    return client.post(reverse("admin:login"), data)


def next_code(device: TOTPDevice) -> str:
    """A code the device will accept now: this time step's, or the next one's if this one was
    used already (a code is good once)."""
    step = int(time.time() - device.t0) // device.step + device.drift
    return str(hotp(device.bin_key, max(step, device.last_t + 1), device.digits)).zfill(6)


def logged_in(client: Client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def test_the_right_password_logs_a_staff_member_in(client, nurse):
    response = log_in(client, "yan", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_non_staff_account_cannot_log_in_to_the_admin(client, django_user_model):
    django_user_model.objects.create_user("reader", password=PASSWORD)
    response = log_in(client, "reader", PASSWORD)
    assert response.status_code == 200
    assert "staff account" in response.content.decode()


def test_wrong_passwords_lock_the_account_and_even_the_right_one_is_refused(client, nurse):
    for _ in range(4):
        assert log_in(client, "yan", "wrong").status_code == 200
    locked = log_in(client, "yan", "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    refused = log_in(client, "yan", PASSWORD)
    assert refused.status_code == 429
    assert not logged_in(client)


def test_the_lock_is_per_username_whatever_the_address(client, nurse):
    for number in range(5):
        log_in(client, "yan", "wrong", REMOTE_ADDR=f"198.51.100.{number}")
    assert log_in(client, "yan", PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 429


def test_the_lock_is_per_address_whatever_the_username(client, nurse, django_user_model):
    for number in range(5):
        log_in(client, f"guess{number}", "wrong", REMOTE_ADDR="198.51.100.1")
    assert log_in(client, "yan", PASSWORD, REMOTE_ADDR="198.51.100.1").status_code == 429
    assert log_in(client, "yan", PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 302


def test_a_locked_out_attempt_is_refused_before_the_password_is_hashed(client, nurse, monkeypatch):
    for _ in range(5):
        log_in(client, "yan", "wrong")
    checked = []
    original = ModelBackend.authenticate
    monkeypatch.setattr(
        ModelBackend,
        "authenticate",
        lambda self, *args, **kwargs: checked.append(1) or original(self, *args, **kwargs),
    )
    assert log_in(client, "yan", PASSWORD).status_code == 429
    assert checked == []


def test_failed_logins_are_logged_with_the_username_and_address(client, nurse, caplog):
    with caplog.at_level(logging.WARNING):
        log_in(client, "yan", "wrong", REMOTE_ADDR="198.51.100.23")
    failures = [record.getMessage() for record in caplog.records if "login failure" in record.msg]
    assert len(failures) == 1
    assert "yan" in failures[0]
    assert "198.51.100.23" in failures[0]


def test_the_lock_lifts_fifteen_minutes_after_the_last_attempt(client, nurse, time_machine):
    for _ in range(5):
        log_in(client, "yan", "wrong")
    time_machine.move_to(timezone.now() + timedelta(minutes=14))
    assert log_in(client, "yan", PASSWORD).status_code == 429  # and the cool-off starts again
    time_machine.move_to(timezone.now() + timedelta(minutes=14))
    assert log_in(client, "yan", PASSWORD).status_code == 429
    time_machine.move_to(timezone.now() + timedelta(minutes=16))
    assert log_in(client, "yan", PASSWORD).status_code == 302


def test_logging_in_to_ones_own_account_does_not_reset_guesses_at_another(client, nurse):
    for _ in range(4):
        log_in(Client(), "root", "guess")
    log_in(Client(), "yan", PASSWORD)
    assert log_in(client, "root", "guess").status_code == 429


def test_a_superuser_unlocks_an_account_with_the_reset_command(client, nurse):
    for _ in range(5):
        log_in(client, "yan", "wrong")
    call_command("axes_reset_username", "yan", verbosity=0)
    assert log_in(client, "yan", PASSWORD).status_code == 302


def test_a_superuser_unlocks_an_account_in_the_admin(client, nurse, editor, django_user_model):
    for _ in range(5):
        log_in(client, "yan", "wrong")
    attempt = AccessAttempt.objects.get(username="yan")
    changelist = reverse("admin:axes_accessattempt_changelist")
    editors = Client()
    editors.force_login(editor)
    assert editors.get(changelist).status_code == 403
    superuser = Client()
    superuser.force_login(django_user_model.objects.create_superuser("root", password="x"))
    assert "yan" in superuser.get(changelist).content.decode()
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert superuser.post(delete, {"post": "yes"}).status_code == 302
    assert log_in(client, "yan", PASSWORD).status_code == 302


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, nurse):
    """A client naming a fresh address per attempt is still counted by its real one."""
    for number in range(5):
        log_in(client, f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert log_in(client, "yan", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(client, nurse, settings):
    settings.LIVERQA_TRUSTED_PROXIES = 1
    # Each attacker's request names the victim's address; the proxy appends the real one.
    for number in range(5):
        log_in(
            client,
            f"guess{number}",
            "wrong",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.66",
        )
    victim = log_in(
        client, "yan", PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert victim.status_code == 302
    attacker = log_in(
        Client(), "yan", PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66"
    )
    assert attacker.status_code == 429


def test_an_enrolled_editor_needs_a_code_after_the_password(client, nurse, time_machine):
    device = nurse.totpdevice_set.create(name="default")
    step = log_in(client, "yan", PASSWORD)
    assert step.status_code == 200
    assert 'name="token-otp_token"' in step.content.decode()
    assert not logged_in(client)
    enter_code(client, "000000")
    assert not logged_in(client)
    time_machine.move_to(timezone.now() + timedelta(seconds=2))  # django-otp's throttle
    assert enter_code(client, next_code(device)).status_code == 302
    assert logged_in(client)


def test_a_backup_code_works_once(client, nurse):
    nurse.totpdevice_set.create(name="default")
    backup = StaticDevice.objects.create(user=nurse, name="backup")
    backup.token_set.create(token="abcd1234")

    def with_backup_code() -> bool:
        session = Client()
        log_in(session, "yan", PASSWORD)
        data = {"admin_login_view-current_step": "backup", "backup-otp_token": "abcd1234"}
        session.post(reverse("admin:login"), data)
        return logged_in(session)

    assert with_backup_code()
    assert not with_backup_code()


def test_by_default_a_password_alone_opens_the_admin(client, nurse):
    log_in(client, "yan", PASSWORD)
    assert logged_in(client)


def test_when_required_a_password_alone_leads_to_enrollment(client, nurse, settings):
    settings.LIVERQA_REQUIRE_2FA = True
    log_in(client, "yan", PASSWORD)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("two_factor:setup")
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 302
    assert "Set up two-factor authentication" in response.content.decode()


def test_when_required_staff_with_a_code_reach_the_admin(client, nurse, settings):
    settings.LIVERQA_REQUIRE_2FA = True
    device = nurse.totpdevice_set.create(name="default")
    log_in(client, "yan", PASSWORD)
    enter_code(client, next_code(device))
    assert logged_in(client)


def test_the_session_cookie_ends_with_the_browser(client, nurse):
    response = log_in(client, "yan", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""


def test_a_staff_session_ends_after_twelve_hours(client, nurse, time_machine):
    log_in(client, "yan", PASSWORD)
    time_machine.move_to(timezone.now() + timedelta(hours=11, minutes=59))
    assert logged_in(client)
    time_machine.move_to(timezone.now() + timedelta(hours=12, minutes=1))
    assert not logged_in(client)


@pytest.fixture
def admin_at_backstage(settings):
    settings.LIVERQA_ADMIN_URL = "backstage/"
    yield reload_urls()
    settings.LIVERQA_ADMIN_URL = "admin/"
    reload_urls()


def reload_urls():
    import liverqa.urls

    clear_url_caches()
    return importlib.reload(liverqa.urls)


def test_the_admin_can_move_to_another_address(client, nurse, admin_at_backstage):
    assert reverse("admin:login") == "/backstage/login/"
    assert client.get("/admin/").status_code == 404
    log_in(client, "yan", PASSWORD)
    assert client.get("/backstage/").status_code == 200
    assert client.get("/backstage/two-factor/setup/").status_code == 200


def test_a_failed_login_stores_and_logs_no_password_or_code(client, nurse, caplog):
    with caplog.at_level(logging.WARNING):
        log_in(client, "yan", "Correct-Horse-typo-7")
        enter_code(client, "123456")
    stored = "\n".join(AccessAttempt.objects.values_list("post_data", flat=True))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "auth-username=yan" in stored
    for secret in ("Correct-Horse-typo-7", "123456"):
        assert secret not in stored and secret not in logged


def test_when_required_a_password_alone_shows_readers_pages_only(
    client, django_user_model, settings
):
    """Drafts and their files open for editors on the public site too: only after the code."""
    from django.contrib.auth.models import Group

    from articles.models import Article

    from .conftest import make_article

    settings.LIVERQA_REQUIRE_2FA = True
    editor = django_user_model.objects.create_user("ward", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    draft = make_article("A secret draft?", status=Article.Status.DRAFT)
    log_in(client, "ward", PASSWORD)
    assert client.get(draft.get_absolute_url()).status_code == 404
    device = editor.totpdevice_set.create(name="default")
    enter_code(Client(), "000000")  # another browser's wrong code changes nothing here
    client.logout()
    log_in(client, "ward", PASSWORD)
    enter_code(client, next_code(device))
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_when_required_an_editor_who_has_not_enrolled_can_still_log_out(client, nurse, settings):
    settings.LIVERQA_REQUIRE_2FA = True
    log_in(client, "yan", PASSWORD)
    setup = client.get(reverse("two_factor:setup")).content.decode()
    assert "requires two-factor authentication for staff" in setup
    assert f'<form id="logout-form" method="post" action="{reverse("admin:logout")}">' in setup
    assert client.post(reverse("admin:logout")).status_code == 200  # "Logged out"
    assert client.get(reverse("admin:index")).url.startswith(reverse("admin:login"))
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 302


def test_the_two_factor_pages_lead_back_to_the_admin(client, nurse):
    log_in(client, "yan", PASSWORD)
    profile = client.get(reverse("two_factor:profile")).content.decode()
    assert f'href="{reverse("admin:index")}">Admin home</a>' in profile
    assert "requires two-factor authentication" not in profile  # not required by default


def test_the_login_steps_look_like_the_admin_login_and_speak_of_an_app(client, nurse):
    page = client.get(reverse("admin:login")).text
    assert "two-factor login" in page  # the body classes that give Django's login box
    assert "admin/css/login.css" in page and "css/admin.css" in page
    assert "bootstrap" not in page.lower()
    nurse.totpdevice_set.create(name="default")
    StaticDevice.objects.create(user=nurse, name="backup").token_set.create(token="abcd1234")
    code_step = log_in(client, "yan", PASSWORD).text
    assert "Enter the 6-digit code your authenticator app shows" in code_step
    assert 'value="backup"' in code_step and "Use a backup code" in code_step
    assert "Token" not in code_step and "phone" not in code_step.lower()


def test_two_factor_pages_speak_of_an_app_and_never_of_phone_numbers(client, nurse):
    log_in(client, "yan", PASSWORD)
    setup = client.get(reverse("two_factor:setup")).text
    assert "two-factor" in setup and "css/admin.css" in setup  # the admin's header and colours
    assert "authenticator app" in setup

    device = nurse.totpdevice_set.create(name="default")
    StaticDevice.objects.create(user=nurse, name="backup").token_set.create(token="abcd1234")
    client.logout()
    log_in(client, "yan", PASSWORD)
    enter_code(client, next_code(device))
    for name in ("two_factor:backup_tokens", "two_factor:profile"):
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        assert "phone number" not in page.text.lower() and "backup phone" not in page.text.lower()
        assert "two-factor" in page.text
    codes = client.get(reverse("two_factor:backup_tokens")).text
    assert "authenticator app is not at hand" in codes
    assert '<ul class="backup-codes">' in codes and "abcd1234" in codes

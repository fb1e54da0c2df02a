"""Staff logins through the admin's login page: the one-time code step, backup codes, and
enrollment when production requires it."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
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
    assert "Enable Two-Factor Authentication" in response.content.decode()


def test_when_required_staff_with_a_code_reach_the_admin(client, nurse, settings):
    settings.LIVERQA_REQUIRE_2FA = True
    device = nurse.totpdevice_set.create(name="default")
    log_in(client, "yan", PASSWORD)
    enter_code(client, next_code(device))
    assert logged_in(client)

"""Staff logins: the two-step admin login. The settings are in liverqa/settings.py ("Logins")."""

from django.contrib.admin.forms import AdminAuthenticationForm
from two_factor.forms import AuthenticationTokenForm, BackupTokenForm
from two_factor.views import LoginView


class AdminLoginView(LoginView):
    """Password, then a one-time code from the editor's app (or a backup code) when they have
    enrolled one; only staff accounts get past the first step, as on Django's own admin login."""

    form_list = (
        (LoginView.AUTH_STEP, AdminAuthenticationForm),
        (LoginView.TOKEN_STEP, AuthenticationTokenForm),
        (LoginView.BACKUP_STEP, BackupTokenForm),
    )

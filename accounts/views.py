from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import landing, visibility


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Without a safe ``next``, each role goes to its own place (see accounts.landing)."""
        return landing.landing_url(self.request.user)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's workspace: who they are, their roles, and where to go next."""
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": visibility.memberships(request.user),
            "roles": visibility.roles(request.user),
            "volunteer": visibility.volunteer_profile(request.user),
            "places": landing.places(request.user),
        },
    )

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import roles


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's workspace: who they are, their roles, and where to go next."""
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": roles.memberships(request.user),
            "roles": roles.roles(request.user),
        },
    )

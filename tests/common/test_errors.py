import pytest
from django.test import Client
from django.urls import path

from common import views


def boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", boom)]
handler500 = views.server_error


@pytest.mark.parametrize("lang, text", [("zh-hans", "页面不存在"), ("en", "Page not found")])
def test_404_in_both_languages(client, db, lang, text):
    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.parametrize(
    "lang, text", [("zh-hans", "服务器出现错误"), ("en", "Something went wrong on our side")]
)
def test_500_shows_no_traceback(db, settings, lang, text):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 500
    body = response.content.decode()
    assert text in body
    assert "secret internal detail" not in body and "Traceback" not in body


def test_400_and_403_pages_render(rf, db):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    request.membership = None
    assert views.bad_request(request).status_code == 400
    assert views.permission_denied(request).status_code == 403


def test_domain_error_page_carries_the_translated_message(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from accounts.exceptions import MembershipNotFound

    request = rf.get("/")
    request.user = AnonymousUser()
    request.membership = None
    with translation.override("zh-hans"):
        response = views.render_domain_error(request, MembershipNotFound())
    assert response.status_code == 404
    assert "没有这个角色身份" in response.content.decode()

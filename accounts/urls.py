from django.urls import path

from accounts import device_views, views

app_name = "accounts"

# Under /accounts/ next to django-allauth's pages (allauth's URLconf is tried first, then these).
urlpatterns = [
    path("accounts/mobile/verify/", views.verify_mobile, name="verify-mobile"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/profile/mobile/", views.mobile_change, name="mobile-change"),
    path("accounts/profile/mobile/confirm/", views.mobile_change_confirm, name="mobile-change-confirm"),
    path("accounts/devices/", device_views.devices, name="devices"),
    path("accounts/devices/<str:device_id>/sign-out/", device_views.device_sign_out, name="device-sign-out"),
    path("accounts/password/reset/sms/", views.password_reset_sms, name="password-reset-sms"),
    path("accounts/password/reset/sms/confirm/", views.password_reset_sms_confirm, name="password-reset-sms-confirm"),
    path("accounts/acting-for/", views.acting_for, name="acting-for"),
    path("accounts/organisations/", views.organisation_list, name="organisation-list"),
    path("accounts/organisations/new/", views.organisation_create, name="organisation-create"),
    path("accounts/organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("accounts/organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("accounts/organisations/<int:pk>/invite/", views.organisation_invite, name="organisation-invite"),
    path(
        "accounts/organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.organisation_revoke,
        name="invitation-revoke",
    ),
    path(
        "accounts/organisations/<int:pk>/members/<int:membership_pk>/role/",
        views.membership_role,
        name="membership-role",
    ),
    path(
        "accounts/organisations/<int:pk>/members/<int:membership_pk>/remove/",
        views.membership_remove,
        name="membership-remove",
    ),
    path(
        "accounts/invitations/<int:invitation_pk>/accept/",
        views.invitation_answer,
        {"answer": "accept"},
        name="invitation-accept",
    ),
    path(
        "accounts/invitations/<int:invitation_pk>/decline/",
        views.invitation_answer,
        {"answer": "decline"},
        name="invitation-decline",
    ),
]

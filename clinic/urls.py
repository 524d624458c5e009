from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import media, staff, trail, views
from clinic.forms import AdminSignInForm, EmailAuthenticationForm, ThrottledPasswordResetForm
from clinic.two_step import views as two_step
from programs import dashboard, erasure, export, outcome_views, portal, questionnaires
from programs import views as program_views

admin.site.login_form = AdminSignInForm
admin.site.site_header = "Physio admin"
admin.site.site_title = "Physio admin"
admin.site.index_title = "Clinics, people and the library"

auth_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(form_class=ThrottledPasswordResetForm),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("two-step/", two_step.verify, name="two_step_verify"),
    path("two-step/set-up/", two_step.setup, name="two_step_setup"),
    path("security/", two_step.security, name="account_security"),
    path("security/two-step/off/", two_step.turn_off, name="two_step_off"),
    path("security/recovery-codes/", two_step.renew_recovery_codes, name="recovery_codes_renew"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include(auth_patterns)),
    path("invitation/<str:token>/", views.invitation_accept, name="accept_invitation"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("clinic/staff/", staff.staff_list, name="staff_list"),
    path("clinic/staff/invite/", staff.staff_invite, name="staff_invite"),
    path(
        "clinic/staff/invitations/<int:pk>/resend/",
        staff.staff_invitation_resend,
        name="staff_invitation_resend",
    ),
    path(
        "clinic/staff/invitations/<int:pk>/withdraw/",
        staff.staff_invitation_withdraw,
        name="staff_invitation_withdraw",
    ),
    path("join/<str:token>/", staff.staff_join, name="join_team"),
    path("clinic/staff/<int:pk>/deactivate/", staff.staff_deactivate, name="staff_deactivate"),
    path("clinic/staff/<int:pk>/reactivate/", staff.staff_reactivate, name="staff_reactivate"),
    path("clinic/settings/", staff.clinic_settings, name="clinic_settings"),
    path("clinic/audit/", trail.audit_trail, name="audit_trail"),
    path("clinic/audit.csv", trail.audit_trail_csv, name="audit_trail_csv"),
    path("patients/<int:pk>/alerts/handled/", dashboard.alert_handled, name="alert_handled"),
    path(
        "patients/<int:pk>/sessions/<int:session_pk>/read/",
        dashboard.note_read,
        name="note_read",
    ),
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/<int:pk>/", dashboard.patient_detail, name="patient_detail"),
    path("patients/<int:pk>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<int:pk>/archive/", views.patient_archive, name="patient_archive"),
    path("patients/<int:pk>/restore/", views.patient_restore, name="patient_restore"),
    path("patients/<int:pk>/invite/", views.patient_invite, name="patient_invite"),
    path("patients/<int:pk>/export.json", export.patient_export_json, name="patient_export_json"),
    path("patients/<int:pk>/export.pdf", export.patient_export_pdf, name="patient_export_pdf"),
    path("patients/<int:pk>/erase/", erasure.patient_erase, name="patient_erase"),
    path("patients/<int:pk>/programs/new/", program_views.program_create, name="program_create"),
    path(
        "programs/<int:pk>/questionnaires/send/",
        outcome_views.send_questionnaire,
        name="questionnaire_send",
    ),
    path(
        "programs/<int:pk>/activities/",
        outcome_views.edit_activities,
        name="psfs_activities",
    ),
    path("", include("programs.message_urls")),
    path("", include("programs.rtm_urls")),
    path("", include("clinic.carer_urls")),
    path("", include("programs.calendar_urls")),
    path("programs/", include("programs.urls")),
    path("templates/", program_views.template_list, name="template_list"),
    path("templates/new/", program_views.template_create, name="template_create"),
    path("library/", include("exercises.urls")),
    path("my/", portal.portal_home, name="portal_home"),
    path("my/history/", portal.history, name="portal_history"),
    path("my/settings/", portal.reminder_settings, name="portal_settings"),
    path("my/programs/<int:pk>/log/", portal.session_log, name="portal_log"),
    path("my/programs/<int:pk>/seen/", portal.changes_seen, name="portal_changes_seen"),
    path("my/sessions/<int:pk>/", portal.session_done, name="portal_session_done"),
    path("my/programs/<int:pk>/handout.pdf", portal.portal_handout, name="portal_handout"),
    path(
        "my/programs/<int:pk>/questionnaire/",
        questionnaires.questionnaire,
        name="portal_questionnaire",
    ),
    path(
        "my/programs/<int:pk>/discharge-summary.pdf",
        portal.portal_discharge_summary,
        name="portal_discharge_summary",
    ),
    path("my/export.json", export.portal_export_json, name="portal_export_json"),
    path("my/export.pdf", export.portal_export_pdf, name="portal_export_pdf"),
    path("physio-admin/", admin.site.urls),
    # Public pictures, with DEBUG on or off; private documents have no URL (clinic/storage.py).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", media.public_media, name="public_media"),
]

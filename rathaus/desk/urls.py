from django.urls import path

from rathaus.desk.views import (
    calendar,
    channels,
    deliveries,
    detail,
    images,
    inbox,
    inbox_actions,
    members,
    offices,
    posts,
    settings,
    settings_answers,
)

app_name = "desk"
post = "<slug:slug>/beitraege/<int:pk>"
inbox_ = "<slug:slug>/anfragen"
conversation = f"{inbox_}/<int:pk>"
settings_ = "<slug:slug>/einstellungen"
urlpatterns = [
    path("", offices.home, name="home"),
    path("<slug:slug>/", offices.dashboard, name="dashboard"),
    path("<slug:slug>/beitraege/", posts.post_list, name="post_list"),
    path("<slug:slug>/beitraege/neu/", posts.post_new, name="post_new"),
    path("<slug:slug>/vorschau/", posts.preview, name="preview"),
    path(f"{post}/", detail.post_detail, name="post_detail"),
    path(f"{post}/bearbeiten/", posts.post_edit, name="post_edit"),
    path(f"{post}/korrigieren/", posts.post_correct, name="post_correct"),
    path(f"{post}/schritt/<slug:step>/", detail.post_step, name="post_step"),
    path(f"{post}/bilder/", images.image_add, name="image_add"),
    path(f"{post}/bilder/<int:image>/entfernen/", images.image_remove, name="image_remove"),
    path(f"{post}/bilder/<int:image>/datei/", images.image_file, name="image_file"),
    path("<slug:slug>/zustellungen/<int:pk>/erneut/", deliveries.delivery_retry, name="retry"),
    path("<slug:slug>/kalender/", calendar.calendar, name="calendar"),
    path("<slug:slug>/kanaele/", channels.channel_settings, name="channels"),
    path("<slug:slug>/kanaele/verbindungen/", channels.connections, name="connections"),
    path("<slug:slug>/mitglieder/", members.member_list, name="members"),
    path("<slug:slug>/mitglieder/<int:pk>/rollen/", members.member_roles, name="member_roles"),
    path("<slug:slug>/mitglieder/<int:pk>/entfernen/", members.member_remove, name="member_remove"),
    path(
        "<slug:slug>/kanaele/verbinden/<slug:platform>/",
        channels.account_connect,
        name="account_connect",
    ),
    path(
        "<slug:slug>/kanaele/verbinden/<slug:platform>/oauth/",
        channels.oauth_start,
        name="oauth_start",
    ),
    path(
        "<slug:slug>/kanaele/<int:pk>/trennen/",
        channels.account_disconnect,
        name="account_disconnect",
    ),
    path("kanaele/oauth/rueckruf/", channels.oauth_callback, name="oauth_callback"),
    path(
        "<slug:slug>/zustellungen/<int:pk>/bestaetigen/",
        deliveries.delivery_confirm,
        name="delivery_confirm",
    ),
    path(f"{inbox_}/", inbox.inbox, name="inbox"),
    path(f"{inbox_}/zaehler/", inbox.badge, name="inbox_badge"),
    path(f"{inbox_}/benachrichtigungen/", inbox_actions.notifications, name="notifications"),
    path(
        f"{inbox_}/benachrichtigungen/gelesen/",
        inbox_actions.notifications_read,
        name="notifications_read",
    ),
    path(f"{inbox_}/buergerdaten/", inbox_actions.citizen_data, name="citizen_data"),
    path(f"{conversation}/", inbox.conversation, name="conversation"),
    path(f"{conversation}/fotos/<int:message>/", images.photo_file, name="conversation_photo"),
    path(f"{conversation}/zuweisen/", inbox_actions.assign, name="conversation_assign"),
    path(f"{conversation}/status/", inbox_actions.status, name="conversation_status"),
    path(f"{conversation}/details/", inbox_actions.details, name="conversation_details"),
    path(f"{conversation}/notiz/", inbox_actions.note, name="conversation_note"),
    path(f"{conversation}/antwort/", inbox_actions.reply, name="conversation_reply"),
    path(f"{conversation}/freigabe/", inbox_actions.approve, name="conversation_approve"),
    path(f"{conversation}/moderation/", inbox_actions.moderate, name="conversation_moderate"),
    path(
        f"{conversation}/textbaustein/",
        inbox_actions.save_template,
        name="conversation_save_template",
    ),
    path(f"{conversation}/faq/", inbox_actions.save_faq, name="conversation_save_faq"),
    # The office's settings (office admins; the FAQ also approvers).
    path(f"{settings_}/", settings.overview, name="settings"),
    path(f"{settings_}/amt/", settings.profile, name="settings_profile"),
    path(f"{settings_}/oeffnungszeiten/", settings.hours, name="settings_hours"),
    path(f"{settings_}/faq/", settings_answers.faq_list, name="settings_faq"),
    path(f"{settings_}/faq/neu/", settings_answers.faq_new, name="settings_faq_new"),
    path(f"{settings_}/faq/<int:pk>/", settings_answers.faq_edit, name="settings_faq_edit"),
    path(
        f"{settings_}/faq/<int:pk>/veroeffentlichen/",
        settings_answers.faq_publish,
        name="settings_faq_publish",
    ),
    path(
        f"{settings_}/faq/<int:pk>/zuruecknehmen/",
        settings_answers.faq_unpublish,
        name="settings_faq_unpublish",
    ),
    path(
        f"{settings_}/faq/<int:pk>/loeschen/",
        settings_answers.faq_delete,
        name="settings_faq_delete",
    ),
    path(f"{settings_}/textbausteine/", settings_answers.template_list, name="settings_templates"),
    path(
        f"{settings_}/textbausteine/neu/",
        settings_answers.template_new,
        name="settings_template_new",
    ),
    path(
        f"{settings_}/textbausteine/<int:pk>/",
        settings_answers.template_edit,
        name="settings_template_edit",
    ),
    path(
        f"{settings_}/textbausteine/<int:pk>/loeschen/",
        settings_answers.template_delete,
        name="settings_template_delete",
    ),
]

from django.urls import path

from rathaus.contact import photos, views

app_name = "contact"
urlpatterns = [
    path("<slug:office>/kontakt/", views.contact, name="form"),
    path("<slug:office>/meldungen/<int:pk>/frage/", views.post_question, name="post-question"),
    path("<slug:office>/anfrage/<str:token>/", views.follow_conversation, name="follow"),
    path(
        "<slug:office>/anfrage/<str:token>/foto/<int:message>/",
        photos.follow_photo,
        name="follow-photo",
    ),
    path("<slug:office>/netiquette/", views.netiquette, name="netiquette"),
]

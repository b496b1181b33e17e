from django.urls import path

from rathaus.contact import photos, views

app_name = "contact"
urlpatterns = [
    path("<slug:slug>/kontakt/", views.contact, name="form"),
    path("<slug:slug>/meldungen/<int:pk>/frage/", views.post_question, name="post-question"),
    path("<slug:slug>/anfrage/<str:token>/", views.follow_conversation, name="follow"),
    path(
        "<slug:slug>/anfrage/<str:token>/foto/<int:message>/",
        photos.follow_photo,
        name="follow-photo",
    ),
    path("<slug:slug>/netiquette/", views.netiquette, name="netiquette"),
]

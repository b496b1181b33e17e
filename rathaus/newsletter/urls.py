"""The newsletter's public pages under the office's newsroom, and the bounce push address."""

from django.urls import path

from rathaus.newsletter import views

app_name = "newsletter"
urlpatterns = [
    path("newsletter/bounces/<str:token>/", views.bounce, name="bounces"),
    path("<slug:slug>/newsletter/", views.subscribe, name="subscribe"),
    path("<slug:slug>/newsletter/bitte-bestaetigen/", views.check_mail, name="check-mail"),
    path("<slug:slug>/newsletter/bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("<slug:slug>/newsletter/abmelden/<str:token>/", views.manage, name="manage"),
]

from django.urls import path

from rathaus.mail import views

app_name = "mail"
urlpatterns = [
    path("mail/eingang/<str:token>/", views.push, name="push"),
]

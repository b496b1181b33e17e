from django.urls import path

from rathaus.answers import views

app_name = "answers"
urlpatterns = [
    path("<slug:slug>/fragen/", views.faq, name="faq"),
]

from django.urls import path

from rathaus.federation import discovery, views

app_name = "federation"
urlpatterns = [
    path(".well-known/webfinger", discovery.webfinger, name="webfinger"),
    path(".well-known/host-meta", discovery.host_meta, name="host-meta"),
    path(".well-known/nodeinfo", discovery.nodeinfo_links, name="nodeinfo-links"),
    path("nodeinfo/<str:version>", discovery.nodeinfo, name="nodeinfo"),
    # Before the accounts: "inbox" and "instance" are no usernames (models.RESERVED_USERNAMES).
    path("ap/inbox", views.inbox, name="shared-inbox"),
    path("ap/instance", views.instance_actor, name="instance-actor"),
    path("ap/<str:username>", views.actor, name="actor"),
    path("ap/<str:username>/inbox", views.inbox, name="inbox"),
    path("ap/<str:username>/outbox", views.outbox, name="outbox"),
    path("ap/<str:username>/followers", views.followers, name="followers"),
    path("ap/<str:username>/following", views.following, name="following"),
    path("ap/<str:username>/notes/<int:pk>", views.note, name="note"),
    path("ap/<str:username>/notes/<int:pk>/activity", views.activity, name="activity"),
    path("ap/<str:username>/replies/<slug:key>", views.reply, name="reply"),
]

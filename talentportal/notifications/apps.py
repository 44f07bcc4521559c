from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "talentportal.notifications"
    label = "notifications"
    verbose_name = "Outgoing email"

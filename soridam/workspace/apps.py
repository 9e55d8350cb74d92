from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "soridam.workspace"
    label = "workspace"
    verbose_name = "Workspace"

"""Groups that give directory roles their Wagtail admin permissions (see accounts/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PROVIDERS = "Directory providers"
MANAGERS = "Directory managers"

PROVIDER_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("services", "add_serviceoffering"),
    ("services", "change_serviceoffering"),
    ("services", "view_serviceoffering"),
    ("services", "add_location"),
    ("services", "change_location"),
    ("services", "view_location"),
    ("services", "view_capacitychange"),
]
MANAGER_PERMISSIONS = PROVIDER_PERMISSIONS + [
    ("services", "delete_serviceoffering"),
    ("services", "delete_location"),
    ("services", "add_organisation"),
    ("services", "change_organisation"),
    ("services", "delete_organisation"),
    ("services", "view_organisation"),
    ("services", "add_servicecategory"),
    ("services", "change_servicecategory"),
    ("services", "view_servicecategory"),
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Membership = apps.get_model("services", "Membership")
    for name, wanted, role in (
        (PROVIDERS, PROVIDER_PERMISSIONS, "provider_staff"),
        (MANAGERS, MANAGER_PERMISSIONS, "bureau_admin"),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        # People who already hold the role get the group now (later changes re-sync it).
        for membership in Membership.objects.filter(role=role, is_active=True).select_related("user"):
            membership.user.groups.add(group)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[PROVIDERS, MANAGERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0003_offering_eligibility_schedule_locations"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]

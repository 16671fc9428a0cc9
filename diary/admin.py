from django.contrib import admin

from diary.models import Entry, Flag


class FlagInline(admin.TabularInline):
    model = Flag
    fields = ["level", "rule", "symptom", "message"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Read-only: entries are the patient's words and are judged when saved."""

    list_display = ["treatment", "day", "status", "recorded_at"]
    list_filter = ["status"]
    inlines = [FlagInline]
    list_select_related = ["treatment__patient", "treatment__procedure"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a day would also leave its flags' case and the treatment's diary
        # summary behind; a whole diary goes with its treatment.
        return False

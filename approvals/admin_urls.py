from django.urls import path

from .views import review

app_name = "approvals_admin"

urlpatterns = [
    path("", review.queue, name="queue"),
    path("<int:task_state_id>/", review.review, name="review"),
]

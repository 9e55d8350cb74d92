"""Satisfaction surveys sent when a case closes (R-FOLLOW-3)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soridam.cases.models import Case
from soridam.customers.models import Customer
from soridam.orders.models import Shop


class Survey(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="survey")
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # A brand's own questions (``SurveyTemplate``) when one matched the case; ``answers``: question id → answer.
    template = models.ForeignKey("SurveyTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answers = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")

    def __str__(self) -> str:
        return f"survey for {self.case_id}"

    @property
    def is_open(self) -> bool:
        return timezone.now() < self.expires_at


class CheckInAnswer(models.TextChoices):
    SOLVED = "solved", _("Solved")
    NOT_SOLVED = "not_solved", _("Not solved")
    SILENCE = "silence", _("No answer")


class CheckIn(models.Model):
    """ "Solved?" asked a few business days after the resolution notice (R-FOLLOW-2). ``due_at``: when it is
    asked; ``closes_at``: when silence closes the case (set once it is asked); ``answer`` once settled."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="check_ins")
    solved_at = models.DateTimeField(help_text="The resolution this check-in follows (a reopened case gets a new one)")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=12, choices=CheckInAnswer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [models.UniqueConstraint(fields=["case", "solved_at"], name="checkin_once_per_resolution")]
        indexes = [models.Index(fields=["answer", "due_at"], name="checkin_pending_due")]

    def __str__(self) -> str:
        return f"check-in for {self.case_id}"


class NpsSurvey(models.Model):
    """ "How likely are you to recommend us?" 0–10, asked at most once per customer per 90 days (R-FOLLOW-4)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="nps_surveys")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    score = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(10)])
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("NPS survey")
        verbose_name_plural = _("NPS surveys")
        indexes = [models.Index(fields=["customer", "-sent_at"], name="nps_customer_recent")]

    def __str__(self) -> str:
        return f"NPS for {self.customer_id}"

    @property
    def is_open(self) -> bool:
        return timezone.now() < self.expires_at


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating 1–5")
    NPS = "nps", _("Score 0–10")
    CHOICE = "choice", _("One choice")
    TEXT = "text", _("Free text")


class SurveyTemplate(models.Model):
    """A brand's own questions in one language, asked instead of the default survey when a case matches:
    its shop (the brand of the case's order) and its language. No shop: every brand."""

    name = models.CharField(_("name"), max_length=120)
    brand = models.ForeignKey(
        Shop, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("brand (shop)")
    )
    locale = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")

    def __str__(self) -> str:
        return self.name


class SurveyQuestion(models.Model):
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    choices = models.TextField(_("choices"), blank=True, help_text=_("For a choice question: one choice per line."))
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self) -> str:
        return self.text

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class MarketingConsent(models.Model):
    """A customer's consent to advertising (R-FOLLOW-6, SPEC §5.5): granted, withdrawn (the opt-out), and
    the separate consent to advertising between 21:00 and 08:00. Advertising records are kept 6 months."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="marketing_consent")
    advertising_at = models.DateTimeField(_("advertising consent given"), null=True, blank=True)
    night_at = models.DateTimeField(_("night-time consent given"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("advertising consent")
        verbose_name_plural = _("advertising consents")

    def __str__(self) -> str:
        return f"consent of {self.customer_id}"

    @property
    def advertising(self) -> bool:
        return self.advertising_at is not None and (
            self.withdrawn_at is None or self.withdrawn_at < self.advertising_at
        )

    @property
    def night(self) -> bool:
        return self.advertising and self.night_at is not None


class Campaign(models.Model):
    """An advertising message to every customer who consented; each send is a ``CampaignMessage``."""

    name = models.CharField(_("name"), max_length=120)
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("text"), help_text=_('"(광고)" and the opt-out link are added when it is sent.'))
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(_("sent to customers"), null=True, blank=True)

    class Meta:
        verbose_name = _("advertising campaign")
        verbose_name_plural = _("advertising campaigns")

    def __str__(self) -> str:
        return self.name


class CampaignState(models.TextChoices):
    HELD = "held", _("Held until the morning")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent")


class CampaignMessage(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="messages")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    recipient = models.CharField(max_length=255)
    state = models.CharField(max_length=8, choices=CampaignState.choices, default=CampaignState.QUEUED)
    due_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    reason = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("advertising message")
        verbose_name_plural = _("advertising messages")
        constraints = [models.UniqueConstraint(fields=["campaign", "customer"], name="campaign_once_per_customer")]
        indexes = [
            models.Index(fields=["state", "due_at"], name="campaign_message_due"),
            models.Index(fields=["recipient", "sent_at"], name="campaign_message_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} → {self.customer_id} ({self.state})"

"""Cue words of fraud that harmed the customer (the labelling guide's fraud precedence): money that left their
account, and a secret they gave away to someone they now doubt. Matched like ``cues`` (substrings of
lower-cased text); ``priority`` and ``precedence`` read them."""

from __future__ import annotations

# Money that left the customer's account: harm when a fraud cue of its own is there too (``priority``).
MONEY_LEFT = (
    "빠져나갔",
    "빠져 나갔",
    "빠져나간",
    "돈이 나갔",
    "출금됐",
    "출금되었",
    "출금이 됐",
    "이체됐",
    "이체되었",
    "송금했",
    "입금했는데",
    "money was taken",
    "taken from my",
    "withdrawn from",
    "was debited",
)
# A secret given away to a page or caller the customer now doubts: what, how and the doubt (``priority``).
# Registration and card numbers are already "rrnnumber"/"cardnumber" in the normalised text.
SECRETS = (
    "주민번호",
    "주민등록번호",
    "rrnnumber",
    "카드번호",
    "카드 번호",
    "cardnumber",
    "cvc",
    "cvv",
    "비밀번호",
    "인증번호",
    "인증 번호",
    "보안카드",
    "otp",
    "계좌번호",
    "password",
    "card number",
    "verification code",
    "security code",
)
GAVE_AWAY = (
    "입력했",
    "입력해 버",
    "입력하고",
    "입력을 했",
    "넣었",
    "넣어 버",
    "적었",
    "써 넣",
    "알려 줬",
    "알려줬",
    "알려 드렸",
    "알려드렸",
    "불러 줬",
    "불러줬",
    "불러 드렸",
    "불러드렸",
    "entered",
    "typed",
    "gave them",
    "told them",
)
# Doubt about who asked: the page, message or caller may not be the shop's ("이상해요" alone is not doubt:
# a password that does not work is "이상해요" too).
DOUBT = (
    "가짜",
    "피싱",
    "사기",
    "수상",
    "의심스",
    "공식",
    "정식 ",
    "진짜인지",
    "진짜 맞",
    "사이트 맞",
    "창 맞",
    "페이지 맞",
    "링크 맞",
    "문자 맞",
    "전화 맞",
    "직원 맞",
    "직원이 맞",
    "is this real",
    "is it real",
    "legit",
    "genuine",
    "suspicious",
    "fake",
    "scam",
    "phishing",
)

"""English sentence pools for the demo. writing.py combines them; slots look like {order}."""

# Sentences stay one per line, however long, so the pools read like the texts they make.
# ruff: noqa: E501

from __future__ import annotations

PRODUCTS = (
    "S9 cordless vacuum",
    "linen shirt",
    "AirLite running shoes",
    "1.7 L electric kettle",
    "Buds wireless earbuds",
    "winter down jacket",
    "5.5 L air fryer",
    "oak writing desk",
    "smartwatch strap",
    "organic nut gift box",
)

# Clothes, for the issues about sizes.
GARMENTS = ("linen shirt", "winter down jacket", "knit cardigan", "wide-leg trousers")

COURIERS = ("CJ Logistics", "Hanjin Express", "Lotte Global Logistics", "Korea Post", "Logen")

GREETINGS = ("Hello,", "Hi there,", "Good morning,", "Dear support team,", "")

CLOSINGS = (
    "Please look into this as soon as possible.",
    "Looking forward to your reply.",
    "Thanks in advance.",
    "Could you get back to me today?",
    "",
)

# One entry per kind of problem: (subject, the customer's account, the agent's internal note, the fix
# the agent replies with), so every message of a case tells the same story.
ISSUES = {
    "delivery": (
        (
            "My order still hasn't arrived after {days} days",
            "I ordered the {product} on {date} and it still hasn't arrived after {days} days.",
            "Warehouse dispatch backlog: 30+ orders from the same day affected.",
            "Our warehouse was behind on dispatch. Your parcel left today and arrives tomorrow; we've added 3,000 points for the delay.",
        ),
        (
            "Tracking hasn't updated in days",
            "The {courier} tracking page has said 'in transit at hub' for {days} days now.",
            "Asked our {courier} account manager. Parcel stuck at the hub for {days} days.",
            "{courier} confirmed a backlog at the regional hub. Your parcel will be delivered tomorrow.",
        ),
        (
            "Marked as delivered but I never received it",
            "The app says the parcel was delivered, but there is nothing at my door or with the building security.",
            "Driver's photo shows another building's entrance. Most likely misdelivered.",
            "It was delivered to the wrong address, so we've shipped a replacement today. You'll get the tracking number by text.",
        ),
        (
            "Parcel arrived torn open",
            "The box arrived torn and wet, and I'm worried about the {product} inside.",
            "Damage photos checked. Replace first, file the courier claim separately.",
            "Sorry about the packaging. We're sending a new one first; please hand the damaged one to the driver.",
        ),
        (
            "Can I change the delivery address?",
            "I entered my old address by mistake. If it hasn't shipped yet, could you change it?",
            "Not dispatched yet; address editable in the warehouse system.",
            "It hadn't shipped yet, so we've changed the address at no extra cost.",
        ),
    ),
    "payment": (
        (
            "I was charged twice",
            "I placed a single order for the {product}, but my card was charged KRW {amount} twice.",
            "PG console shows two approvals for one order; second one to be cancelled.",
            "We cancelled the duplicate KRW {amount} charge today. Depending on your card issuer it disappears in 3-5 business days.",
        ),
        (
            "Card payment keeps failing",
            "At checkout I get 'card issuer error' every time; I have tried five times.",
            "Issuer response 8326 (limit exceeded), most likely the customer's card.",
            "Your card issuer declined the payment for the card limit. If you pay by another card or bank transfer, we'll keep the order as it is.",
        ),
        (
            "Bank transfer not confirmed",
            "I paid KRW {amount} by bank transfer on {date}, but the order still says awaiting payment.",
            "Transfer landed during the bank's maintenance window. Confirmed manually.",
            "The bank's maintenance window delayed the confirmation. Your order now shows as paid and ships soon.",
        ),
        (
            "Points were not applied at checkout",
            "I chose to use 5,000 points, but they weren't deducted from the total.",
            "Points dropped when combined with a coupon: known bug, shared with dev.",
            "We refunded the 5,000 the points should have covered and put the points back on your account.",
        ),
    ),
    "refund_return": (
        (
            "Refund not received yet",
            "My return was confirmed on {date}, but after {days} days I still haven't received the KRW {amount} refund.",
            "Return inspected and received; refund waiting for approval by Payments.",
            "We approved your KRW {amount} refund today: 3-5 business days for cards, 1-2 for bank accounts.",
        ),
        (
            "Nobody came to pick up my return",
            "I booked a return {days} days ago and the {courier} driver never came to collect it.",
            "Pickup order never reached the courier's system. Re-submitted.",
            "We've rebooked the {courier} pickup for tomorrow morning.",
        ),
        (
            "Wrong size - I'd like an exchange",
            "The {garment} in size {size} is too small. I'd like to exchange it for one size up.",
            "Stock available; swap exchange.",
            "We've shipped one size up. Please hand the original to the driver when the exchange arrives.",
        ),
        (
            "Partial refund amount looks wrong",
            "I returned one of three items but the refund is much less than I paid for it.",
            "Coupon discount split across items was deducted. Correct per policy, needs explaining.",
            "Your order coupon was spread across the three items, so the returned item's share of it was deducted. We've e-mailed you the breakdown.",
        ),
        (
            "Why am I paying return shipping for a faulty item?",
            "The item was faulty, yet a return shipping fee was deducted from my refund.",
            "Return reason was entered as 'changed mind'. Corrected to 'defective'.",
            "As the item was faulty, we've refunded the return shipping fee. Sorry for the hassle.",
        ),
    ),
    "product": (
        (
            "The item I received is defective",
            "The {product} doesn't power on at all, straight out of the box.",
            "Third defect report from the same batch. Shared with QA.",
            "We've confirmed the defect and will replace it; pickup and delivery happen on the same day.",
        ),
        (
            "Size runs much smaller than the chart",
            "I always wear size {size}, but this {garment} is at least one size smaller.",
            "Size chart differs from real measurements by 1 cm. Asked the merchandiser to fix it.",
            "The size chart was wrong; we've fixed it and will exchange your item free of charge.",
        ),
        (
            "A part is missing from the box",
            "The charger listed in the manual is missing from the {product} box.",
            "Packing line missed a part. Asked to check the same day's shipments.",
            "We've sent the missing charger separately today.",
        ),
        (
            "Received the wrong colour",
            "I ordered black but received a grey {product}.",
            "Picking error; asked the warehouse to check the bin.",
            "We've shipped the black one. Please hand the grey one to the driver at the exchange.",
        ),
    ),
    "service": (
        (
            "No news since I booked a repair",
            "I booked a repair on {date} and nobody has contacted me in {days} days.",
            "Repair partner was never assigned. Re-assigned.",
            "We've booked the repair visit for the morning after tomorrow; you'll get a reminder the day before.",
        ),
        (
            "The installer never showed up",
            "The installer was due at 2 pm; I took the afternoon off and nobody came.",
            "Asked the installation partner why the visit was missed.",
            "We're sorry the visit was missed. You're first on the day you choose, and installation is free.",
        ),
        (
            "Unhelpful phone support",
            "The agent on the phone yesterday interrupted me and hung up.",
            "Call recording reviewed: handling was poor. Reported to the team lead.",
            "We sincerely apologise for that call. The team will review it together.",
        ),
        (
            "Cancel button in the app does nothing",
            "On the order details screen, tapping Cancel does nothing.",
            "Reproduces only on Android app 4.2.1. Ticket filed with the dev team.",
            "We confirmed the app bug and cancelled the order for you. The next update fixes it.",
        ),
    ),
    "account": (
        (
            "I can't log in",
            "I type my password correctly but it says the ID or password is wrong.",
            "Old account stored with an upper-case e-mail; login is case-sensitive there.",
            "We've corrected your account details; you can log in with the same password now.",
        ),
        (
            "Password reset e-mail never arrives",
            "I've requested a password reset three times and no e-mail arrives, not even in spam.",
            "Reset e-mail bounced at the receiving server (suppression list).",
            "Your address was on a suppression list; we've removed it and sent the reset e-mail again.",
        ),
        (
            "Not receiving the SMS verification code",
            "The SMS verification code never arrives on my phone.",
            "SMS send log fine. Carrier spam filter likely.",
            "Your carrier was filtering our texts. Please try again now.",
        ),
        (
            "My account is locked",
            "After a few failed attempts my account got locked and it stays locked.",
            "Locked after 5 failed logins. Can unlock after identity check.",
            "Identity confirmed and account unlocked. Please choose a new password.",
        ),
    ),
    "other": (
        (
            "Request for a VAT invoice",
            "Could you issue a VAT invoice for order {order}?",
            "Business registration number checked; passed to accounting.",
            "We've issued the VAT invoice and e-mailed it to you.",
        ),
        (
            "Bulk order enquiry",
            "We would like to buy around 200 units of the {product} for a company event.",
            "Forwarded to sales.",
            "Our bulk-sales team will send you a quote tomorrow.",
        ),
        (
            "A suggestion for your order page",
            "It would help to see the expected delivery date on the order list page.",
            "Logged on the product team's ideas board.",
            "Thank you for the suggestion; it's on the agenda of our next product review.",
        ),
    ),
}

ASKS = (
    "My order number is {order}.",
    "Please tell me when this will be sorted.",
    "Please let me know what I should do.",
    "This is the second time I'm writing about this.",
    "",
)

ADDENDA = (
    "To add: the order number is {order}.",
    "I have photos if you need them.",
    "Writing again as I haven't heard back yet.",
)

ANSWERS = (
    "Sure, the order number is {order} and the recipient is {customer}.",
    "The order number is {order}. I can take calls on weekdays after 10 am.",
    "I ordered on {date}; the order number is {order}. Please hurry.",
    "I can take calls on weekdays after 10 am.",
)

ACKNOWLEDGEMENTS = (
    "Hi {customer}, I'm {agent} and I'm sorry for the trouble. Could you confirm your order number and the recipient's name?",
    "Thank you for contacting us, {customer}. We're looking into it; could you send us the order number once more?",
    "Hello {customer}, thanks for your patience. We're checking this with the team concerned and will update you shortly.",
)

NUDGES = ("Any update on this?", "You said you were checking; how is it going?")

DONE = (
    "Hi {customer}, your request has been completed. Sorry again for the inconvenience.",
    "Hello {customer}, here is the outcome. If anything is still unclear, just reply to this e-mail.",
    "Everything is sorted now. Thank you for your patience and have a good day.",
)

TRIAGE_NOTES = (
    "Recategorised: this belongs to another team.",
    "Customer left the category empty; set it from the text.",
)

ESCALATION_NOTES = (
    "Raised priority: second contact from this customer.",
    "VIP customer, first answer today please.",
)

BACK_REASONS = (
    "Customer sent new evidence; needs another look",
    "The other team's answer contradicts what we told the customer",
)

REOPENS = (
    "The same problem is back. Please check again.",
    "I was told this was done, but nothing has changed.",
)

SURVEY_COMMENTS = {
    5: ("Quick and friendly, thank you!", "Sorted faster than I expected."),
    4: ("Good outcome, first reply was a bit slow.", "Happy with it."),
    3: ("Solved, but it took a lot of back and forth.", ""),
    2: ("I had to explain the same thing several times.",),
    1: ("Far too slow.",),
}

SPAM_SUBJECTS = ("Guaranteed first page on Google", "You have won a gift card")
SPAM_BODIES = ("We get your shop to the top of search results. Reply now!", "Click the link below to claim your prize.")

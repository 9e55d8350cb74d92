"""English complaint scenarios for synthetic benchmark cases, per category: (priority, subjects, the
customer's account, further details), and what customers ask for. phrases_en re-exports them.
"""

# Sentences stay one per line, however long, so the pools read like the texts they make.
# ruff: noqa: E501

from __future__ import annotations

SCENARIOS = {
    "delivery": (
        (
            "high",
            (
                "My order still hasn't arrived after {days} days",
                "Delivery is very late",
                "Where is my {product}?",
                "Late delivery",
            ),
            (
                "I ordered the {product} on {date} and it still hasn't arrived after {days} days.",
                "It's been {days} days since I ordered and the status still says preparing for shipment.",
                "I paid on {date} and the order hasn't even been dispatched yet, {days} days later.",
            ),
            (
                "The product page said 2-3 days.",
                "Everything else I ordered that week has arrived.",
                "Could you at least tell me when it ships?",
            ),
        ),
        (
            "high",
            ("Tracking hasn't updated in days", "Parcel stuck at the depot", "Tracking number not working"),
            (
                "The {courier} tracking has said 'in transit at hub' for {days} days now.",
                "Nothing has moved on the tracking since it was picked up {days} days ago.",
                "The {courier} app shows my parcel at the same depot for {days} days.",
            ),
            (
                "{courier} customer service never picks up.",
                "There's no driver number either.",
                "I'm worried it's been lost.",
            ),
        ),
        (
            "high",
            ("Marked as delivered but I never received it", "Says delivered, nothing here", "Parcel lost?"),
            (
                "The app says the parcel was delivered, but there is nothing at my door or with building security.",
                "I got a delivered text on {date} at {time} but nothing arrived.",
                "The delivery photo shows a door that isn't mine.",
            ),
            ("I've asked the neighbours already.", "The entry code is in the delivery note.", ""),
        ),
        (
            "normal",
            ("Can I change the delivery address?", "Wrong address entered", "Update recipient details"),
            (
                "I entered my old address by mistake. Can you change it if it hasn't shipped yet?",
                "I typed the recipient's phone number wrong. Please fix it before the {product} ships.",
                "Could you add 'leave at the door' to the delivery note?",
            ),
            ("I've updated my profile with the new address.", "Only the flat number changed.", ""),
        ),
        (
            "normal",
            ("Why was I charged for shipping?", "Shipping fee question", "Combine my orders?"),
            (
                "Shipping was supposed to be free over {amount} won but I was charged 3,000 won.",
                "How much extra is shipping to Jeju island?",
                "I placed two orders on the same day and paid shipping twice. Can they be combined?",
            ),
            ("It said free shipping before checkout.", "I have a screenshot of the cart.", ""),
        ),
        (
            "high",
            ("Free gift missing", "Only part of my order arrived", "Item missing from my parcel"),
            (
                "I ordered {count} of them but there was only one in the box.",
                "The promotion said a free gift was included but only the {product} came.",
                "I ordered the {product} and a {garment} together but the {garment} never came.",
            ),
            ("There was only one tracking number.", "Please tell me if it's being sent separately.", ""),
        ),
        (
            "low",
            ("Do you ship abroad?", "Delivery time question", "Weekend delivery?"),
            (
                "Do you ship to the United States?",
                "If I order the {product} today, when would it arrive?",
                "Can parcels be delivered on Saturdays?",
            ),
            ("Just checking before I order.", "", ""),
        ),
    ),
    "refund_return": (
        (
            "high",
            ("Still waiting for my refund", "When will I get my refund?", "Returned the item, no refund"),
            (
                "I was told the return was complete on {date}, but {days} days later the {amount} won hasn't been refunded.",
                "You collected the return {days} days ago and there's no sign of the refund.",
                "You said 3 working days for the refund and it's been {days}.",
            ),
            (
                "My card company sees no cancellation.",
                "I asked for the refund to my bank account.",
                "Please give me a date at least.",
            ),
        ),
        (
            "normal",
            ("Return pickup never came", "Courier didn't collect my return", "Please confirm my return"),
            (
                "I booked the return {days} days ago but {courier} never came to collect it.",
                "I requested a return for the {product} and heard nothing about the pickup.",
                "The box has been outside my door for {days} days.",
            ),
            ("It's packed exactly as it arrived.", "I'm out during the day on weekdays.", ""),
        ),
        (
            "normal",
            ("Size exchange please", "Exchange request for {garment}", "Need one size up"),
            (
                "I bought the {garment} in {size} but it's too small, can I exchange it for one size up?",
                "The {colour} {garment} in {size} is bigger than expected, I'd like to exchange it.",
                "Can I swap the {colour} {garment} for another colour?",
            ),
            ("The tags are still on.", "Never worn.", "How do I pay for the exchange shipping?"),
        ),
        (
            "normal",
            ("Please cancel my order", "Order cancellation", "Can I still cancel?"),
            (
                "I'd like to cancel the {product} I ordered on {date}.",
                "I ordered the same thing twice by mistake, please cancel one.",
                "I changed my mind and want to cancel the {product}.",
            ),
            ("I don't think it has shipped yet.", "There's no cancel button in the app.", ""),
        ),
        (
            "high",
            ("Faulty item, I want a refund", "Returning a damaged item", "Broke straight away, refund please"),
            (
                "The {product} arrived with a crushed box and a crack inside. I want a refund.",
                "The {device} never worked from day one. I want a refund, not an exchange.",
                "The product was past its expiry date when it arrived. Full refund please.",
            ),
            ("I took photos.", "I've kept all the packaging.", "I'm not paying for return shipping."),
        ),
        (
            "high",
            ("Why am I paying return shipping?", "Refund amount is wrong", "Partial refund question"),
            (
                "I'm returning it because it's faulty but {amount} won return shipping was deducted.",
                "I returned one of {count} items and the refund is much less than I expected.",
                "I used a coupon and only {amount} won was refunded.",
            ),
            ("Please send me the breakdown.", "This isn't what I was told.", ""),
        ),
        (
            "low",
            ("What's the return window?", "Exchange policy question", "Can sale items be returned?"),
            (
                "How many days do I have to return something?",
                "Can sale items be exchanged or returned?",
                "Can I exchange a {product} I received as a gift?",
            ),
            ("", "Asking before I buy.", ""),
        ),
    ),
    "payment": (
        (
            "high",
            ("I was charged twice", "Duplicate payment", "Card charged twice"),
            (
                "I placed one order for the {product} but my card was charged {amount} won twice.",
                "I pressed pay once and got two approval texts, {amount} won each.",
                "There's one order but two charges of {amount} won on my statement.",
            ),
            ("Please cancel one right away.", "My bank told me to contact the merchant.", ""),
        ),
        (
            "normal",
            ("Card payment keeps failing", "Can't pay", "Payment error"),
            (
                "Checkout fails with 'card issuer error', I've tried {count} times.",
                "Paying with KakaoPay keeps failing.",
                "The page freezes white when I try to pay for the {product}.",
            ),
            ("Same with another card.", "There's plenty of credit on the card.", ""),
        ),
        (
            "normal",
            ("Bank transfer not showing", "Paid by transfer, still pending", "Sent transfer under a different name"),
            (
                "I transferred {amount} won on {date} and the order is still waiting for payment.",
                "I sent the transfer under my company name instead of {name}. Please check.",
                "I paid {amount} won to the virtual account but the order says cancelled.",
            ),
            ("I have the transfer receipt.", "", ""),
        ),
        (
            "normal",
            ("Receipt request", "Tax invoice needed", "How do I print a card receipt?"),
            (
                "Could you issue a cash receipt for my order from {date}?",
                "I need a tax invoice for company expenses.",
                "Where can I print the card receipt for the {amount} won payment?",
            ),
            ("I'll email the business details.", "", ""),
        ),
        (
            "normal",
            ("Points not deducted", "Coupon won't apply", "Points error"),
            (
                "I chose to use {amount} won of points but they weren't taken off the total.",
                "The new member coupon doesn't apply at checkout.",
                "I applied a coupon but was charged the full {amount} won.",
            ),
            ("", "I have screenshots.", ""),
        ),
        (
            "urgent",
            ("Charge I didn't make", "Unknown payment on my card", "Card fraud?"),
            (
                "I got an approval text for {amount} won that I never made, at 3 am. Looks like card fraud.",
                "My card was charged for a {product} I never ordered.",
                "I entered my card number on what I thought was your payment page and it was a phishing site.",
            ),
            ("I've already frozen the card.", "I'm reporting it to the police too.", "Please check urgently."),
        ),
    ),
    "product": (
        (
            "high",
            ("Item arrived faulty", "Dead on arrival", "{device} doesn't work"),
            (
                "I switched on the {device} as soon as it arrived and it won't power on.",
                "When I opened the {device} one side was cracked.",
                "Brand new {device} and it's making a strange noise.",
            ),
            ("I charged it fully, same thing.", "I've got photos and a video.", ""),
        ),
        (
            "normal",
            ("Size doesn't match the chart", "Measurements question", "Size chart seems wrong"),
            (
                "I always wear {size} but this {garment} is at least a size smaller.",
                "The {garment} is more than 3 cm shorter than the size chart says.",
                "The {colour} {garment} in {size} is bigger than the same size in another colour.",
            ),
            ("Please check the size chart.", "", ""),
        ),
        (
            "normal",
            ("Stopped working, repair?", "Warranty repair request", "Can this be repaired?"),
            (
                "I've used the {device} for about two months and now it won't charge.",
                "The button on my {device} from last year no longer clicks. Can it be repaired?",
                "The battery on the {device} doesn't last a day.",
            ),
            ("It's still under warranty.", "I have the receipt.", ""),
        ),
        (
            "urgent",
            ("Smoke came out of the product", "I got burned using this", "Foreign object in food"),
            (
                "The {device} started smoking while charging and there was a burning smell.",
                "I burned my hand using the {device} and had to see a doctor.",
                "I found what looks like a piece of glass in it. My child nearly ate it.",
            ),
            (
                "It's dangerous, I've stopped using it.",
                "I have the doctor's note.",
                "Others using it should be warned.",
            ),
        ),
        (
            "low",
            ("When is it back in stock?", "Product question", "Material question"),
            (
                "Will the {colour} {garment} in {size} be restocked?",
                "Are there compatible parts for the {device}?",
                "Is the {garment} wool or acrylic?",
            ),
            ("I'm waiting to buy it.", "", ""),
        ),
        (
            "normal",
            ("Not what the listing showed", "Colour differs from the photos", "Is this genuine?"),
            (
                "The photos showed {colour} but what I got is a completely different colour.",
                "The {device} listing shows parts that weren't in the box.",
                "The label on the {device} looks odd, is it genuine?",
            ),
            ("", "I can send comparison photos.", ""),
        ),
    ),
    "service": (
        (
            "normal",
            ("Can't reach customer service", "No reply to my inquiry", "I want a human, not the chatbot"),
            (
                "I've called {count} times and can't get through.",
                "I left a message on {date} and have had no answer for {days} days.",
                "The chatbot keeps repeating the same answer, I want to talk to a person.",
            ),
            ("I waited on hold for over 30 minutes.", "", ""),
        ),
        (
            "normal",
            ("Rude agent", "Complaint about service", "I want to speak to a manager"),
            (
                "Yesterday the agent on the phone kept interrupting me and then hung up.",
                "In the chat I had to repeat myself {count} times.",
                "I was promised a call back and never got one.",
            ),
            ("I'd like an apology.", "", ""),
        ),
        (
            "normal",
            ("Change option before dispatch", "Can I change my order?", "Add gift wrapping"),
            (
                "I ordered the {garment}, can I change it to {colour} before it ships?",
                "Can I add gift wrapping to my {product} order?",
                "Could you send my two orders together?",
            ),
            ("", "Let me know if there's an extra charge.", ""),
        ),
        (
            "normal",
            ("App bug", "Button doesn't work in the app", "Website won't load"),
            (
                "The cancel button on the order page in the app does nothing.",
                "The app crashes when I attach a photo to a review.",
                "Adding the {product} to the cart on the website gives an error.",
            ),
            ("I'm on the latest iPhone update.", "I've reinstalled the app.", ""),
        ),
    ),
    "account": (
        (
            "normal",
            ("Can't log in", "Password is right but login fails", "Kakao login problem"),
            (
                "I type the right password and it says 'ID or password does not match'.",
                "Logging in with Kakao takes me into a different account.",
                "Login worked yesterday and today it suddenly doesn't.",
            ),
            ("", "I tried resetting the password.", ""),
        ),
        (
            "normal",
            ("Password reset email not arriving", "No verification code", "Identity check fails"),
            (
                "I've asked for a password reset {count} times and no email arrives.",
                "The SMS verification code never comes.",
                "Identity verification keeps failing.",
            ),
            ("I checked spam too.", "", ""),
        ),
        (
            "normal",
            ("Delete my account", "Personal data deletion", "Stop marketing texts"),
            (
                "Please close my account and delete all my personal data.",
                "I opted out of marketing texts but they keep coming.",
                "I'd like to reactivate my dormant account.",
            ),
            ("", "What happens to my points?", ""),
        ),
        (
            "urgent",
            ("My account has been hacked", "Order I didn't place", "Possible data leak"),
            (
                "There's an order for a {product} on my account that I didn't place. I think I've been hacked.",
                "I got a login alert from a device I don't know and my password has been changed.",
                "I can see someone else's orders in my account. Isn't that a data leak?",
            ),
            ("The delivery address was changed to one I don't know.", "Please lock the account now.", ""),
        ),
        (
            "low",
            ("Membership tiers", "When do points expire?", "Can I change my ID?"),
            (
                "How do membership tiers work?",
                "When do my points expire?",
                "Is it possible to change my user ID?",
            ),
            ("", "", ""),
        ),
    ),
    "other": (
        (
            "low",
            ("Bulk order inquiry", "Corporate order quote", "Wholesale inquiry"),
            (
                "We'd like to buy about {count}00 units of the {product} for a company event.",
                "Could you quote for the {product} as corporate gifts?",
                "Could we stock the {product} in our shop?",
            ),
            ("Please email the quote.", "", ""),
        ),
        (
            "low",
            ("Partnership proposal", "Becoming a seller", "Collaboration idea"),
            (
                "I run a YouTube channel and would love to feature the {product}.",
                "We'd like to propose listing our brand on your shop.",
                "We'd love to make a collab product with you.",
            ),
            ("Our deck is attached.", "", ""),
        ),
        (
            "low",
            ("A suggestion", "Compliment", "Thank you for great service"),
            (
                "It would be great to see the expected delivery date on the order history page.",
                "The agent who helped me last time was fantastic, please pass on my thanks.",
                "The packaging was lovely, perfect for a gift.",
            ),
            ("", "", ""),
        ),
    ),
}

ASKS = {
    "delivery": (
        "Please let me know when it will arrive.",
        "Can you check where it is?",
        "Please get it to me quickly.",
        "Could you check with the courier?",
        "",
    ),
    "refund_return": (
        "Please process the refund.",
        "Please go ahead with the exchange.",
        "How should I send it back?",
        "When will this be done?",
        "",
    ),
    "payment": ("Please cancel it after checking.", "What should I do?", "Text me once it's done.", ""),
    "product": ("How do I get it exchanged or repaired?", "Please check.", "Please reply.", ""),
    "service": ("Please contact me.", "I hope you'll improve this.", "Please look into it.", ""),
    "account": ("What should I do?", "Please check.", "Please sort this out quickly.", ""),
    "other": ("Who should I contact?", "Please consider it.", ""),
}

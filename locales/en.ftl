## src/components/documents.rs

documents-pending = Pending
documents-applied = Applied
documents-paid = Paid
documents-overdue = Overdue
documents-void = Void
documents-credit-note = Credit note
documents-invoice = Invoice
documents-number = Number
documents-status = Status
documents-issued = Issued
documents-due = Due
documents-amount = Amount
documents-amount-due = Amount due
documents-corrects = corrects{" "}
documents-credited-by = credited by{" "}

## src/components/header.rs

header-organisation = Organisation
header-switch = Switch
header-log-out = Log out
header-billing = Billing

## src/components/page.rs

page-back-to-billing = ← Back to billing
page-not-allowed = Not allowed:

## src/components/usage_chart.rs

usage-chart-credits-per-day-over-the = Credits per day over the last 30 days
usage-chart-in-total = in total
usage-chart-credits = Credits
usage-chart-day = Day

## src/pages/api_keys.rs

api-keys-new-key = New key
api-keys-name = Name
api-keys-create-key = Create key
api-keys-copy-the-key-now-it = Copy the key now: it is shown only once.
api-keys-keys = Keys
api-keys-revoked = Revoked
api-keys-revoke = Revoke
api-keys-usage-api-keys = Usage API keys

## src/pages/billing.rs

billing-your-payment-failed-please-update = Your payment failed. Please update your payment method.
billing-your-plan-is-locked-by = Your plan is locked by your agreement. Contact your account manager to change it.
billing-you-are-billed-under-a = You are billed under a contract. Contact sales to change plan or seats.
billing-per-month = per month
billing-per-year = per year
billing-trial = Trial
billing-active = Active
billing-past-due = Past due
billing-canceled = Canceled
billing-contacts = Contacts
billing-e-mail-sends-per-month = E-mail sends per month
billing-integrations = Integrations
billing-card = Card
billing-invoice-bank-transfer = Invoice (bank transfer)
billing-none-the-subscription-ends-after = None – the subscription ends after
billing-as-per-contract = As per contract
billing-none = None
billing-committed-until = Committed until
billing-renews-automatically = renews automatically
billing-does-not-renew = does not renew
billing-renews-automatically-2 = Renews automatically
billing-does-not-renew-2 = Does not renew
billing-contract = Contract
billing-contract-value = Contract value
billing-years = years
billing-volume-discount = Volume discount
billing-users = Users
billing-unlimited-up-to = Unlimited up to
billing-renews = Renews
billing-payment-schedule = Payment schedule
billing-due = Due
billing-latest-invoices = Latest invoices
billing-all-invoices-and-credit-notes = All invoices and credit notes →
billing-change-plan-or-seats = Change plan or seats
billing-end-the-trial = End the trial
billing-cancel-auto-renew = Cancel auto-renew
billing-resume-auto-renew = Resume auto-renew
billing-api-keys = API keys
billing-invoices = Invoices
billing-billing-details = Billing details
billing-payment-method = Payment method
billing-seats-and-owner = Seats and owner
billing-current-plan = Current plan
billing-legacy-price-you-save = Legacy price: you save
billing-credits-per-month = Credits per month
billing-seats = Seats
billing-next-invoice-incl-vat = Next invoice (incl. VAT)
billing-account-credit = Account credit
billing-account-credit-used = { $amount } credit on your account, used by your next invoices.
billing-next-invoice-due = { $amount } to pay after your account credit
billing-change = Change
billing-terms = Terms
billing-included-in-your-plan = Included in your plan
billing-limits = Limits
billing-unlimited = Unlimited

## src/pages/billing_details.rs

billing-details-legal-name = Legal name
billing-details-address = Address
billing-details-postal-code = Postal code
billing-details-city = City
billing-details-country = Country
billing-details-vat-number = VAT number
billing-details-org-number = Organisation number
billing-details-invoice-e-mail = Invoice e-mail
billing-details-save = Save
billing-details-saved-new-invoices-use-these = Saved. New invoices use these details; issued invoices do not change.
billing-details-please-correct-the-marked-fields = Please correct the marked fields.
billing-details-swedish-buyers-pay-25-vat = Swedish buyers pay 25 % VAT. Businesses in other EU countries with a valid VAT number are invoiced under reverse charge; outside the EU without VAT (export).

## src/pages/cancel.rs

cancel-no-further-periods-of-the = No further periods of the commitment remain.
cancel-the-subscription-stays-active-until = The subscription stays active until
cancel-after-that-the-account-moves = After that the account moves to Free. No data is lost.

## src/pages/credits.rs

credits-monthly-allowance = Monthly allowance
credits-credit-pack = Credit pack
credits-goodwill = Goodwill
credits-usage = Usage
credits-expired = Expired
credits-balance = Balance
credits-credits = credits
credits-source = Source
credits-left = Left
credits-valid-through = Valid through
credits-buy-extra-credits = Buy extra credits
credits-daily-usage = Daily usage
credits-history = History
credits-event = Event
credits-detail = Detail
credits-newer = ← Newer
credits-older = Older →
credits-monthly-allowance-from = Monthly allowance from

## src/pages/invoices.rs

invoices-invoices-and-credit-notes = Invoices and credit notes
invoices-all = All
invoices-filter-by-status = Filter by status
invoices-no-documents-with-that-status = No documents with that status.
invoices-page = Page
invoices-of = of
invoices-documents = documents
invoices-document = Document
invoices-credits-invoice = Credits invoice{" "}
invoices-credited-by = Credited by{" "}
invoices-download-pdf = Download PDF
invoices-download-e-invoice = E-invoice (Peppol)
invoices-seller = Seller
invoices-company-reg-no = Company reg. no.{" "}
invoices-vat-reg-no = VAT reg. no.{" "}
invoices-approved-for-f-tax = Approved for F-tax
invoices-buyer = Buyer
invoices-due-date = Due date
invoices-payment-terms = Payment terms
invoices-days-net = days net
invoices-payment-reference-ocr = Payment reference (OCR)
invoices-currency = Currency
invoices-description = Description
invoices-qty = Qty
invoices-unit-price = Unit price
invoices-vat = VAT
invoices-subtotal-excl-vat = Subtotal excl. VAT
invoices-total = Total
invoices-less-account-credit = Less account credit
invoices-payment-attempts = Payment attempts
invoices-date = Date
invoices-method = Method
invoices-outcome = Outcome
invoices-declined = Declined
invoices-pay-to-bankgiro = Pay to bankgiro
invoices-quoting-ocr = quoting OCR
invoices-by = by

## src/pages/login.rs

login-log-in = Log in
login-e-mail = E-mail
login-password = Password

## src/pages/payment_method.rs

payment-method-update-payment-method = Update payment method
payment-method-retry-now = Retry now
payment-method-current-payment-method = Current payment method
payment-method-no-card-or-paypal-account = No card or PayPal account is saved: invoices are not paid automatically.
payment-method-pay-by-card = Pay by card
payment-method-card-number = Card number
payment-method-expiry-mm-yy = Expiry (MM/YY)
payment-method-cvc = CVC
payment-method-save-card = Save card
payment-method-saved = Saved:
payment-method-the-card-number-and-cvc = The card number and CVC go to the payment provider and are never stored here; we keep only the brand, the last four digits and the expiry.
payment-method-other-ways-to-pay = Other ways to pay
payment-method-pay-with-paypal = Pay with PayPal
payment-method-pay-by-invoice-bank-transfer = Pay by invoice (bank transfer)
payment-method-invoice-payment-is-available-to = Invoice payment is available to organisations in Sweden and to annual subscriptions of 20 seats or more.
payment-method-test-mode-this-page-stands = Test mode: this page stands in for PayPal's approval page.
payment-method-approve-a-billing-agreement-so = Approve a billing agreement so that future invoices are paid from your PayPal account.
payment-method-approve = Approve
payment-method-cancel = Cancel

## src/pages/plan.rs

plan-change-plan = Change plan
plan-monthly = Monthly
plan-annual-two-months-free = Annual (two months free)
plan-paid-members = paid members
plan-free-client-comment-view-only = free (client, comment, view only)
plan-seats-bought = seats bought
plan-billing-interval = Billing interval
plan-show-prices = Show prices
plan-month = /month
plan-year = /year
plan-current = Current
plan-per-seat = per seat
plan-credits-per-month = credits per month
plan-choose-keep = Choose (keep)
plan-choose = Choose
plan-try-free-for = Try free for
plan-days = days
plan-upgrade-takes-effect-now = Upgrade: takes effect now.
plan-the-change-takes-effect-at = The change takes effect at the next period.
plan-the-seats-are-added-now = The seats are added now; the rest of this period is billed on the next invoice.
plan-the-scheduled-change-is-cancelled = The scheduled change is cancelled.
plan-this-is-already-your-plan = This is already your plan.
plan-on = on
plan-added-to-the-next-invoice = Added to the next invoice
plan-preview = Preview
plan-seats = seats
plan-credited-now-incl-vat = Credited now (incl. VAT)
plan-invoiced-now-incl-vat = Invoiced now (incl. VAT)
plan-due-now = Due now
plan-account-credit-after = Account credit after
plan-effective = Effective
plan-confirm-the-change = Confirm the change

## src/pages/team.rs

team-member = Member
team-custom-role = Custom role
team-client = Client
team-comment-only = Comment only
team-view-only = View only
team-seats-and-billing-owner = Seats and billing owner
team-in-the-contract-s-tier = in the contract's tier
team-the-free-plan-has-no = (the Free plan has no seats to buy)
team-hand-over-the-billing-owner = Hand over the billing owner's role
team-the-person-you-choose-becomes = The person you choose becomes the billing owner at once, and an admin if they are not one. You lose the right to change the plan, seats, payment method and billing details, and stay an admin. You both get an e-mail.
team-new-billing-owner = New billing owner
team-needs-a-free-seat = needs a free seat
team-becomes-admin = becomes admin
team-i-understand-that-i-lose = I understand that I lose the billing owner's rights at once
team-hand-over = Hand over
team-seats-used = Seats used
team-with-paid-roles-admin-member = with paid roles (admin, member, custom)
team-with-free-roles-client-comment = with free roles (client, comment only, view only)
team-role = Role
team-seat = Seat
team-people = People
team-paid = paid
team-free = free
team-members = Members
team-billing-owner = Billing owner

## src/views/documents.rs

documents-paid-2 = Paid
documents-paid-by-bank-transfer = Paid by bank transfer
documents-paid-on = Paid on
documents-with = with
documents-by-bank-transfer = by bank transfer
documents-settled-by-credit-note = Settled by credit note

## Written with arguments

billing-no-access = You don't have access to billing.
billing-no-access-ask = You don't have access to billing. Ask { $owner }.
billing-plan-changes-on = Your plan changes to { $plan } ({ $seats } seats) on { $date }.
billing-trial-days-left = You are trying { $plan }: { $days ->
        [one] { $days } day
       *[other] { $days } days
    } left (until { $date }). You will not be charged automatically.
billing-partner-managed = Your account is managed by { $partner }; contact them to change billing.
decline-generic = card declined
decline-insufficient-funds = insufficient funds
decline-expired-card = the card has expired
decline-lost-card = the card is reported lost
decline-stolen-card = the card is reported stolen
decline-incorrect-cvc = the security code (CVC) is wrong
decline-processing-error = the payment could not be processed; try again
payment-failed-update = Your payment of { $amount } failed: { $reason }. Update your payment method.
payment-overdue-update = Your invoices of { $amount } are overdue. Pay them by bank transfer with each invoice's OCR reference, or add a card and press Retry now.
plan-only-owner-changes = Only the billing owner ({ $owner }) can change the plan and seats.
line-seats = { $count ->
        [one] 1 seat
       *[other] { $count } seats
    }
line-added-seats = added { $count ->
        [one] 1 seat
       *[other] { $count } seats
    }
line-credits = { $credits } credits
line-goodwill = Goodwill credit: { $reason }
line-days-of = { $days }/{ $of } days

## src/pdf/invoice.typ (labels of the PDF)

pdf-amount = Amount
pdf-amount-due = Amount due
pdf-approved-for-f-tax-sweden = Approved for F-tax (Sweden)
pdf-bankgiro-sweden = Bankgiro (Sweden)
pdf-bill-to = Bill to
pdf-buyer-s-vat-no = buyer's VAT no.
pdf-company-reg-no = Company reg. no.
pdf-credit = Credit
pdf-credit-note = Credit note
pdf-credits-invoice = Credits invoice
pdf-currency = Currency
pdf-date = Date
pdf-description = Description
pdf-due-by = Due by
pdf-due-date = Due date
pdf-invoice = Invoice
pdf-invoice-date = Invoice date
pdf-less-account-credit = Less account credit
pdf-no = No.
pdf-page = Page
pdf-paid = Paid
pdf-payment = Payment
pdf-payment-reference-ocr = Payment reference (OCR)
pdf-payment-terms = Payment terms
pdf-qty = Qty
pdf-quote-the-ocr-reference = Please quote the OCR reference with your payment so that it is matched to this invoice.
pdf-reference-ocr = Reference (OCR)
pdf-seller-s-vat-no = Seller's VAT no.
pdf-subtotal-excl-vat = Subtotal excl. VAT
pdf-total = Total
pdf-unit-price = Unit price
pdf-vat = VAT
pdf-vat-reg-no = VAT reg. no.
pdf-net-days = net { $days } days
pdf-credited-to-account = The amount { $amount } has been credited to your account and is deducted from coming invoices.
pdf-vat-rate-on = VAT { $rate } on { $base }

## Errors and refusals (src/error.rs, src/domain)

error-unauthenticated = Please log in.
error-login-failed = The e-mail or password is wrong.
error-not-found = Not found.
error-fields = Please correct the marked fields.
error-too-many-requests = Too many attempts; try again in { $seconds } seconds.
error-internal = Something went wrong on our side; please try again.
error-transport = Could not reach the server: { $detail }
error-one-billing-owner = The organisation already has a billing owner.
error-owner-is-admin = The billing owner must be an active admin.
error-state-moved = That change conflicts with the current state; reload the page and try again.
error-control-character = { $field } contains an invisible control character ({ $code }, character { $position }); remove it and try again.
error-key-reused = This request's key was already used for another change; reload the page and try again.
refusal-not-admin = Only admins can see billing.
refusal-not-admin-ask = Only admins can see billing; ask { $owner }.
refusal-not-owner = Only the billing owner can { $what }.
refusal-not-owner-ask = Only the billing owner can { $what }; ask { $owner }.
refusal-partner-managed = Your account is managed by { $partner }; contact them to change billing.
refusal-plan-locked = Your plan is locked by your agreement; contact your account manager to change it.
refusal-contact-sales = Your subscription is billed under a contract; contact sales to change plan or seats.
refusal-organisation-covers = Your organisation's plan already covers every team; change the organisation's plan instead.
refusal-second-team = The team { $team } already has a subscription of its own; contact sales for subscriptions for more teams.
refusal-team-has-own = The team { $team } has a subscription of its own; contact sales to move the whole organisation to a paid plan.
refusal-past-due = You have an unpaid invoice. Settle it first; then you can { $what }.
what-see-billing = see billing
what-download-invoices = download invoices
what-buy-credit-packs = buy credit packs
what-change-plan = change the plan, seats or auto-renew
what-edit-billing-details = edit billing details and the payment method
what-hand-over-owner = hand over the billing owner role
what-see-seat-usage = see seat usage
what-manage-api-keys = manage API keys
what-operate = run the vendor's billing
what-upgrade = upgrade
what-add-seats = add seats
what-start-trial = start a trial
what-change-subscription = change the subscription
change-renewal-due = Your renewal is being processed; try again in a few minutes.
change-below-paid-members = { $paid } people have paid roles; choose at least { $paid } seats or change their roles first.
change-price-not-offered = That price is no longer offered; choose from the current plans.
change-currency-mismatch = Prices are in { $currency }; choose a price in that currency.
change-canceled = The subscription is canceled; start a new one.
change-no-trial = { $plan } has no trial.
change-trial-used = You have already tried { $plan }.
change-trial-not-higher = A trial is only for a plan above your current one.
change-trial-running = A trial is already running.
seats-below-minimum = { $plan } needs at least { $min } seats.
seats-not-a-step = { $plan } is sold in steps of { $step } seats above { $min }.
seats-above-maximum = At most { $max } seats can be bought here; contact sales for more.
credits-insufficient = This run costs { $needed } credits but only { $available } are left; buy a credit pack or wait for the monthly allowance.
vat-not-a-country = '{ $code }' is not a two-letter country code such as SE or NO.
vat-eu-only = VAT numbers are checked for EU countries only; leave it empty for { $country }.
vat-prefix = A { $country } VAT number starts with { $prefix }.
vat-not-valid = '{ $number }' is not a valid { $country } VAT number (e.g. { $example }).
vat-other-country = { $number } is a VAT number of { $prefix }, but the country is { $country }; correct the country or the number.
vat-characters = Letters, digits, spaces, '-' and '.' only, at most 30.
org-number-se = '{ $number }' is not a Swedish organisation number: ten digits, the last a check digit (e.g. 556036-0793).
org-number-no = '{ $number }' is not a Norwegian organisation number: nine digits, the last a check digit (e.g. 923 609 016).
field-required = Required.
field-too-long = At most { $max } characters.
field-not-an-email = '{ $email }' is not an e-mail address such as faktura@example.se.

## E-mail (src/services/mail.rs)

mail-hello = Hello,
mail-reminder-subject = Reminder: { $number } – { $seller }
mail-payment-failed-subject = Payment failed: { $number } – { $seller }
mail-document-subject = { $number } – { $seller }
mail-reminder = { $number } from { $seller } was due on { $due } and is still unpaid. The invoice is attached.
mail-payment-failed = We could not charge { $number } to your card or PayPal account. Update your payment method under Billing → Payment method and press Retry now. We will also try again over the next days. The invoice is attached.
mail-document = Attached is { $number } from { $seller }.
mail-owner-changed-subject = New billing owner: { $org }
mail-owner-changed = { $old } handed the billing owner's role for { $org } to { $new } ({ $when }). { $new } now changes the plan, seats, payment method and billing details; { $old } stays an admin.

## Countries (src/domain/vat.rs: the billing details form offers these)

country-se = Sweden
country-no = Norway
country-dk = Denmark
country-fi = Finland
country-is = Iceland
country-de = Germany
country-nl = Netherlands
country-be = Belgium
country-fr = France
country-es = Spain
country-it = Italy
country-pl = Poland
country-at = Austria
country-ie = Ireland
country-pt = Portugal
country-lu = Luxembourg
country-ee = Estonia
country-lv = Latvia
country-lt = Lithuania
country-cz = Czechia
country-sk = Slovakia
country-si = Slovenia
country-hr = Croatia
country-hu = Hungary
country-ro = Romania
country-bg = Bulgaria
country-gr = Greece
country-cy = Cyprus
country-mt = Malta
country-ch = Switzerland
country-gb = United Kingdom
country-us = United States
country-ca = Canada
country-au = Australia
country-nz = New Zealand
country-jp = Japan
country-sg = Singapore
country-in = India
country-br = Brazil
country-za = South Africa
country-ae = United Arab Emirates
card-declined = The payment provider did not save the card: { $reason }.
paypal-refused = PayPal refused: { $reason }.
credits-bought-meanwhile = { $credits } credits were bought on { $day } (invoice { $number }) after this page was opened; press Buy again to buy another pack.
credits-pack-unpaid = The invoice { $number } for your last credit pack is not paid yet. Pay it first; then you can buy another pack.
credits-no-packs-on-plan = Extra credit packs are not available on { $plan }; upgrade to buy more credits.
handover-not-owner = Only the billing owner can hand the role over; it is { $owner } now.
card-digits-only = Digits only.
card-length = A card number has 12 to 19 digits.
card-check-digit = This card number is mistyped (its check digit is wrong).
card-expiry-format = Month and year as MM/YY.
card-expired = This card has expired.
card-check-year = Check the year.
card-cvc-digits = { $digits } digits.
change-sales-only = { $plan } is bought through sales; contact them for an agreement.
change-too-many-members = { $plan } has room for { $limit } users; you have { $paid } with paid roles. Change their roles first.
plan-excl-vat = excl. VAT
plan-subscription-for = Subscription for
plan-whole-organisation = The whole organisation ({ $name })
preview-legacy-lost = You pay a legacy price and save { $saving } per period against today's list price. This change ends the legacy price for good.
preview-scheduled-dropped = The change scheduled to { $plan } on { $date } is dropped.

## src/pages/subscriptions.rs

subscriptions-title = Subscriptions
subscriptions-started = Started
subscriptions-period = Period
subscriptions-renews-on = Renews on { $date }
subscriptions-ends-after = Ends after { $date }
subscriptions-trial-until = { $plan } through { $date }
subscriptions-scheduled = Scheduled change
subscriptions-packs = Credit packs
subscriptions-no-packs = No credit packs with credits left.
subscriptions-bought = Bought
history-started = Started { $plan } with { $seats } seats
history-upgraded = Upgraded from { $from } to { $to } ({ $seats } seats)
history-plan-changed = Changed from { $from } to { $to } ({ $seats } seats)
history-now-annual = { $plan } is now billed annually
history-now-monthly = { $plan } is now billed monthly
history-seats = Seats changed from { $from } to { $to }
history-scheduled = Change to { $plan } ({ $seats } seats) on { $date }
history-scheduled-dropped = The change scheduled to { $plan } was dropped
history-trial-started = Trial of { $plan } started, through { $date }
history-trial-ended = The trial of { $plan } ended
history-auto-renew-on = Auto-renew resumed
history-auto-renew-off = Auto-renew cancelled
history-renewed = Renewed for { $period }
history-canceled = The subscription ended
billing-trial-then = Free during the trial; then { $plan }, { $price } { $interval }
credits-buy-pack = Buy for { $price } incl. VAT
credits-confirm-pack = You are buying { $credits } credits. The invoice will be { $net } + VAT = { $total }, paid with your payment method.
credits-confirm-buy = Confirm the purchase
billing-seats-used = { $used } used of { $bought } bought
billing-team-name = Team { $team }
billing-organisation-billing = Organisation billing
billing-team-plans = Team subscriptions
billing-team-plan-line = Team { $team }: { $plan }, { $seats } seats
billing-manage = Manage
credits-pack-line = { $name } – { $credits } credits, valid for { $months } months
credits-bought-done = Done: { $credits } credits added (invoice { $invoice })
cancel-still-owe = Your commitment continues: you still pay { $amount }
cancel-after-that-the-team-returns = After that the team is back on the organisation's plan. No data is lost.

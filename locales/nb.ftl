## src/components/documents.rs

documents-pending = Ubetalt
documents-applied = Avregnet
documents-paid = Betalt
documents-overdue = Forfalt
documents-void = Annullert
documents-credit-note = Kreditnota
documents-invoice = Faktura
documents-number = Nummer
documents-status = Status
documents-issued = Dato
documents-due = Forfaller
documents-amount = Beløp
documents-amount-due = Å betale
documents-corrects = krediterer{" "}
documents-credited-by = kreditert av{" "}

## src/components/header.rs

header-organisation = Organisasjon
header-switch = Bytt
header-log-out = Logg ut
header-billing = Fakturering

## src/components/page.rs

page-back-to-billing = ← Tilbake til fakturering
page-not-allowed = Ikke tillatt:

## src/components/usage_chart.rs

usage-chart-credits-per-day-over-the = Kreditter per dag de siste 30 dagene
usage-chart-in-total = totalt
usage-chart-credits = Kreditter
usage-chart-day = Dag

## src/pages/api_keys.rs

api-keys-new-key = Ny nøkkel
api-keys-name = Navn
api-keys-create-key = Opprett nøkkel
api-keys-copy-the-key-now-it = Kopier nøkkelen nå: den vises bare én gang.
api-keys-keys = Nøkler
api-keys-revoked = Tilbakekalt
api-keys-revoke = Tilbakekall
api-keys-usage-api-keys = API-nøkler for forbruk

## src/pages/billing.rs

billing-your-payment-failed-please-update = Betalingen mislyktes. Oppdater betalingsmåten.
billing-your-plan-is-locked-by = Planen er låst etter avtalen deres. Kontakt kontaktpersonen deres for å endre den.
billing-you-are-billed-under-a = Dere faktureres etter avtale. Kontakt salgsavdelingen for å endre plan eller plasser.
billing-per-month = per måned
billing-per-year = per år
billing-trial = Prøveperiode
billing-active = Aktiv
billing-past-due = Forfalt betaling
billing-canceled = Avsluttet
billing-contacts = Kontakter
billing-e-mail-sends-per-month = E-postutsendelser per måned
billing-integrations = Integrasjoner
billing-card = Kort
billing-invoice-bank-transfer = Faktura (bankgiro)
billing-none-the-subscription-ends-after = Ingen – abonnementet opphører etter
billing-as-per-contract = Etter avtale
billing-none = Ingen
billing-committed-until = Bindingstid til
billing-renews-automatically = fornyes automatisk
billing-does-not-renew = fornyes ikke
billing-renews-automatically-2 = Fornyes automatisk
billing-does-not-renew-2 = Fornyes ikke
billing-contract = Avtale
billing-contract-value = Avtaleverdi
billing-years = år
billing-volume-discount = Volumrabatt
billing-users = Brukere
billing-unlimited-up-to = Ubegrenset opptil
billing-renews = Fornyes
billing-payment-schedule = Betalingsplan
billing-due = Forfallsdato
billing-latest-invoices = Siste fakturaer
billing-all-invoices-and-credit-notes = Alle fakturaer og kreditnotaer →
billing-change-plan-or-seats = Endre plan eller plasser
billing-end-the-trial = Avslutt prøveperioden
billing-cancel-auto-renew = Avslutt automatisk fornyelse
billing-resume-auto-renew = Gjenoppta automatisk fornyelse
billing-api-keys = API-nøkler
billing-invoices = Fakturaer
billing-billing-details = Faktureringsopplysninger
billing-payment-method = Betalingsmåte
billing-seats-and-owner = Plasser og eier
billing-current-plan = Nåværende plan
billing-legacy-price-you-save = Eldre pris: du sparer
billing-credits-per-month = Kreditter per måned
billing-seats = Plasser
billing-next-invoice-incl-vat = Neste faktura (inkl. mva.)
billing-account-credit = Tilgodehavende
billing-account-credit-used = { $amount } til gode på kontoen din, som trekkes fra på de neste fakturaene dine.
billing-next-invoice-due = { $amount } å betale etter tilgodehavendet ditt
billing-change = Endre
billing-terms = Vilkår
billing-included-in-your-plan = Inkludert i planen
billing-limits = Grenser
billing-unlimited = Ubegrenset

## src/pages/billing_details.rs

billing-details-legal-name = Juridisk navn
billing-details-address = Adresse
billing-details-postal-code = Postnummer
billing-details-city = Sted
billing-details-country = Land
billing-details-vat-number = MVA-nummer
billing-details-org-number = Organisasjonsnummer
billing-details-invoice-e-mail = E-post for fakturaer
billing-details-save = Lagre
billing-details-saved-new-invoices-use-these = Lagret. Nye fakturaer bruker opplysningene; utstedte fakturaer endres ikke.
billing-details-please-correct-the-marked-fields = Rett de merkede feltene.
billing-details-swedish-buyers-pay-25-vat = Svenske kjøpere betaler 25 % mva. Bedrifter i andre EU-land med gyldig MVA-nummer faktureres med omvendt avgiftsplikt; utenfor EU uten mva. (eksport).

## src/pages/cancel.rs

cancel-no-further-periods-of-the = Ingen flere perioder gjenstår av bindingstiden.
cancel-the-subscription-stays-active-until = Abonnementet fortsetter til og med
cancel-after-that-the-account-moves = Deretter går kontoen over til Free. Ingen data forsvinner.

## src/pages/credits.rs

credits-monthly-allowance = Månedens kreditter
credits-credit-pack = Kredittpakke
credits-goodwill = Goodwill
credits-usage = Forbruk
credits-expired = Utløpt
credits-balance = Saldo
credits-credits = kreditter
credits-source = Kilde
credits-left = Igjen
credits-valid-through = Gyldig til og med
credits-buy-extra-credits = Kjøp ekstra kreditter
credits-daily-usage = Forbruk per dag
credits-history = Historikk
credits-event = Hendelse
credits-detail = Detalj
credits-newer = ← Nyere
credits-older = Eldre →
credits-monthly-allowance-from = Månedens kreditter fra

## src/pages/invoices.rs

invoices-invoices-and-credit-notes = Fakturaer og kreditnotaer
invoices-all = Alle
invoices-filter-by-status = Filtrer på status
invoices-no-documents-with-that-status = Ingen dokumenter med den statusen.
invoices-page = Side
invoices-of = av
invoices-documents = dokumenter
invoices-document = Dokument
invoices-credits-invoice = Krediterer faktura{" "}
invoices-credited-by = Kreditert av{" "}
invoices-download-pdf = Last ned PDF
invoices-download-e-invoice = E-faktura (Peppol)
invoices-seller = Selger
invoices-company-reg-no = Org.nr.{" "}
invoices-vat-reg-no = MVA-nr.{" "}
invoices-approved-for-f-tax = Godkjent for F-skatt (Sverige)
invoices-buyer = Kjøper
invoices-due-date = Forfallsdato
invoices-payment-terms = Betalingsbetingelser
invoices-days-net = dager netto
invoices-payment-reference-ocr = KID/OCR-nummer
invoices-currency = Valuta
invoices-description = Beskrivelse
invoices-qty = Antall
invoices-unit-price = Enhetspris
invoices-vat = MVA
invoices-subtotal-excl-vat = Sum ekskl. mva.
invoices-total = Totalt
invoices-less-account-credit = Fratrukket tilgodehavende
invoices-payment-attempts = Betalingsforsøk
invoices-date = Dato
invoices-method = Betalingsmåte
invoices-outcome = Utfall
invoices-declined = Avvist
invoices-pay-to-bankgiro = Betal til bankgiro
invoices-quoting-ocr = med OCR
invoices-by = senest

## src/pages/login.rs

login-log-in = Logg inn
login-e-mail = E-post
login-password = Passord

## src/pages/payment_method.rs

payment-method-update-payment-method = Oppdater betalingsmåte
payment-method-retry-now = Prøv igjen nå
payment-method-current-payment-method = Nåværende betalingsmåte
payment-method-no-card-or-paypal-account = Ingen kort eller PayPal-konto er lagret: fakturaer betales ikke automatisk.
payment-method-pay-by-card = Betal med kort
payment-method-card-number = Kortnummer
payment-method-expiry-mm-yy = Gyldig til (MM/ÅÅ)
payment-method-cvc = CVC
payment-method-save-card = Lagre kortet
payment-method-saved = Lagret:
payment-method-the-card-number-and-cvc = Kortnummeret og CVC sendes til betalingsleverandøren og lagres aldri her; vi lagrer bare korttype, de fire siste sifrene og utløpsdatoen.
payment-method-other-ways-to-pay = Andre måter å betale på
payment-method-pay-with-paypal = Betal med PayPal
payment-method-pay-by-invoice-bank-transfer = Betal mot faktura (bankgiro)
payment-method-invoice-payment-is-available-to = Betaling mot faktura finnes for organisasjoner i Sverige og for årsabonnementer med minst 20 plasser.
payment-method-test-mode-this-page-stands = Testmodus: denne siden står for PayPals godkjenningsside.
payment-method-approve-a-billing-agreement-so = Godkjenn en betalingsavtale slik at kommende fakturaer trekkes fra PayPal-kontoen din.
payment-method-approve = Godkjenn
payment-method-cancel = Avbryt

## src/pages/plan.rs

plan-change-plan = Endre plan
plan-monthly = Månedlig
plan-annual-two-months-free = Årlig (to måneder gratis)
plan-paid-members = betalende medlemmer
plan-free-client-comment-view-only = gratis (kunde, kommentar, leser)
plan-seats-bought = plasser kjøpt
plan-billing-interval = Faktureringsperiode
plan-show-prices = Vis priser
plan-month = /mnd
plan-year = /år
plan-current = Nåværende
plan-per-seat = per plass
plan-credits-per-month = kreditter per måned
plan-choose-keep = Velg (behold)
plan-choose = Velg
plan-try-free-for = Prøv gratis i
plan-days = dager
plan-upgrade-takes-effect-now = Oppgradering: gjelder umiddelbart.
plan-the-change-takes-effect-at = Endringen gjelder fra neste periode.
plan-the-seats-are-added-now = Plassene legges til umiddelbart; kostnaden for resten av perioden kommer på neste faktura.
plan-the-scheduled-change-is-cancelled = Den planlagte endringen fjernes.
plan-this-is-already-your-plan = Dette er allerede planen din.
plan-on = den
plan-added-to-the-next-invoice = Legges på neste faktura
plan-preview = Forhåndsvisning
plan-seats = plasser
plan-credited-now-incl-vat = Krediteres nå (inkl. mva.)
plan-invoiced-now-incl-vat = Faktureres nå (inkl. mva.)
plan-due-now = Å betale nå
plan-account-credit-after = Tilgode etterpå
plan-effective = Gjelder fra
plan-confirm-the-change = Bekreft endringen

## src/pages/team.rs

team-member = Medlem
team-custom-role = Tilpasset rolle
team-client = Klient
team-comment-only = Bare kommentarer
team-view-only = Bare lesetilgang
team-seats-and-billing-owner = Plasser og faktureringsansvarlig
team-in-the-contract-s-tier = i avtalens nivå
team-the-free-plan-has-no = (gratisplanen har ingen plasser å kjøpe)
team-hand-over-the-billing-owner = Overlat rollen som faktureringsansvarlig
team-the-person-you-choose-becomes = Den du velger blir faktureringsansvarlig umiddelbart og blir admin hvis vedkommende ikke allerede er det. Du mister retten til å endre plan, plasser, betalingsmåte og faktureringsopplysninger, men forblir admin. Dere får begge en e-post.
team-new-billing-owner = Ny faktureringsansvarlig
team-needs-a-free-seat = trenger en ledig plass
team-becomes-admin = blir admin
team-i-understand-that-i-lose = Jeg forstår at jeg mister den faktureringsansvarliges rettigheter umiddelbart
team-hand-over = Overlat
team-seats-used = Brukte plasser
team-with-paid-roles-admin-member = med betalte roller (admin, medlem, tilpasset)
team-with-free-roles-client-comment = med gratisroller (klient, kommentarer, lesetilgang)
team-role = Rolle
team-seat = Plass
team-people = Personer
team-paid = betalt
team-free = gratis
team-members = Medlemmer
team-billing-owner = Faktureringsansvarlig

## src/views/documents.rs

documents-paid-2 = Betalt
documents-paid-by-bank-transfer = Innbetalt via bankgiro
documents-paid-on = Betalt
documents-with = med
documents-by-bank-transfer = via bankgiro
documents-settled-by-credit-note = Gjort opp med kreditnota

## Written with arguments

billing-no-access = Du har ikke tilgang til fakturering.
billing-no-access-ask = Du har ikke tilgang til fakturering. Spør { $owner }.
billing-plan-changes-on = Planen din endres til { $plan } ({ $seats } plasser) den { $date }.
billing-trial-days-left = Du prøver { $plan }: { $days ->
        [one] { $days } dag
       *[other] { $days } dager
    } igjen (til { $date }). Du belastes ikke automatisk.
billing-partner-managed = Kontoen din administreres av { $partner }; kontakt dem for å endre faktureringen.
decline-generic = kortet ble avvist
decline-insufficient-funds = ikke dekning på kontoen
decline-expired-card = kortet er utløpt
decline-lost-card = kortet er meldt tapt
decline-stolen-card = kortet er meldt stjålet
decline-incorrect-cvc = feil sikkerhetskode (CVC)
decline-processing-error = betalingen kunne ikke behandles; prøv igjen
payment-failed-update = Betalingen din på { $amount } mislyktes: { $reason }. Oppdater betalingsmåten din.
payment-overdue-update = Fakturaene dine på { $amount } er forfalt. Betal dem til bankgiroen vår med hver fakturas OCR-referanse, eller legg til et kort og trykk på Prøv igjen nå.
plan-only-owner-changes = Bare faktureringsansvarlig ({ $owner }) kan endre plan og plasser.
line-seats = { $count ->
        [one] 1 plass
       *[other] { $count } plasser
    }
line-added-seats = lagt til: { $count ->
        [one] 1 plass
       *[other] { $count } plasser
    }
line-credits = { $credits } kreditter
line-goodwill = Goodwill-kreditering: { $reason }
line-days-of = { $days }/{ $of } dager

## src/pdf/invoice.typ (labels of the PDF)

pdf-amount = Beløp
pdf-amount-due = Å betale
pdf-approved-for-f-tax-sweden = Godkjent for F-skatt (Sverige)
pdf-bankgiro-sweden = Bankgiro (Sverige)
pdf-bill-to = Kjøper
pdf-buyer-s-vat-no = kjøperens MVA-nr.
pdf-company-reg-no = Org.nr.
pdf-credit = Kreditering
pdf-credit-note = Kreditnota
pdf-credits-invoice = Krediterer faktura
pdf-currency = Valuta
pdf-date = Dato
pdf-description = Beskrivelse
pdf-due-by = Senest
pdf-due-date = Forfallsdato
pdf-invoice = Faktura
pdf-invoice-date = Fakturadato
pdf-less-account-credit = Fratrukket tilgodehavende
pdf-no = Nr.
pdf-page = Side
pdf-paid = Betalt
pdf-payment = Betaling
pdf-payment-reference-ocr = OCR-referanse
pdf-payment-terms = Betalingsbetingelser
pdf-qty = Antall
pdf-quote-the-ocr-reference = Oppgi OCR-referansen ved betaling, så kobles den til fakturaen.
pdf-reference-ocr = OCR-referanse
pdf-seller-s-vat-no = Selgerens MVA-nr.
pdf-subtotal-excl-vat = Sum ekskl. mva.
pdf-total = Totalt
pdf-unit-price = Enhetspris
pdf-vat = MVA
pdf-vat-reg-no = MVA-nr.
pdf-net-days = { $days } dager netto
pdf-credited-to-account = Beløpet { $amount } er godskrevet kontoen deres og trekkes fra kommende fakturaer.
pdf-vat-rate-on = MVA { $rate } av { $base }

## Errors and refusals (src/error.rs, src/domain)

error-unauthenticated = Logg inn.
error-login-failed = Feil e-postadresse eller passord.
error-not-found = Ikke funnet.
error-fields = Rett de merkede feltene.
error-too-many-requests = For mange forsøk; prøv igjen om { $seconds } sekunder.
error-internal = Noe gikk galt hos oss; prøv igjen.
error-transport = Serveren kunne ikke nås: { $detail }
error-one-billing-owner = Organisasjonen har allerede en faktureringsansvarlig.
error-owner-is-admin = Faktureringsansvarlig må være en aktiv admin.
error-state-moved = Endringen er i konflikt med nåværende tilstand; last inn siden på nytt og prøv igjen.
error-control-character = { $field } inneholder et usynlig kontrolltegn ({ $code }, tegn { $position }); fjern det og prøv igjen.
error-key-reused = Denne forespørselens nøkkel er allerede brukt til en annen endring; last inn siden på nytt og prøv igjen.
refusal-not-admin = Bare administratorer kan se faktureringen.
refusal-not-admin-ask = Bare administratorer kan se faktureringen; spør { $owner }.
refusal-not-owner = Bare faktureringsansvarlig kan { $what }.
refusal-not-owner-ask = Bare faktureringsansvarlig kan { $what }; spør { $owner }.
refusal-partner-managed = Kontoen din administreres av { $partner }; kontakt dem for å endre faktureringen.
refusal-plan-locked = Planen er låst etter avtalen deres; kontakt kontaktpersonen deres for å endre den.
refusal-contact-sales = Abonnementet faktureres etter avtale; kontakt salgsavdelingen for å endre plan eller plasser.
refusal-organisation-covers = Organisasjonens plan gjelder allerede alle team; endre organisasjonens plan i stedet.
refusal-second-team = Teamet { $team } har allerede et eget abonnement; kontakt salgsavdelingen for abonnement for flere team.
refusal-team-has-own = Teamet { $team } har et eget abonnement; kontakt salgsavdelingen for å flytte hele organisasjonen til en betalt plan.
refusal-past-due = Dere har en ubetalt faktura. Betal den først; deretter kan dere { $what }.
what-see-billing = se faktureringen
what-download-invoices = laste ned fakturaer
what-buy-credit-packs = kjøpe kredittpakker
what-change-plan = endre plan, plasser eller automatisk fornyelse
what-edit-billing-details = endre faktureringsopplysninger og betalingsmåte
what-hand-over-owner = overlate rollen som faktureringsansvarlig
what-see-seat-usage = se plassbruken
what-manage-api-keys = administrere API-nøkler
what-operate = drive leverandørens fakturering
what-upgrade = oppgradere
what-add-seats = legge til plasser
what-start-trial = starte en prøveperiode
what-change-subscription = endre abonnementet
change-renewal-due = Fornyelsen behandles akkurat nå; prøv igjen om noen minutter.
change-below-paid-members = { $paid } personer har betalte roller; velg minst { $paid } plasser eller endre rollene deres først.
change-price-not-offered = Prisen tilbys ikke lenger; velg blant de nåværende planene.
change-currency-mismatch = Prisene er i { $currency }; velg en pris i den valutaen.
change-canceled = Abonnementet er avsluttet; start et nytt.
change-no-trial = { $plan } har ingen prøveperiode.
change-trial-used = Du har allerede prøvd { $plan }.
change-trial-not-higher = En prøveperiode gjelder bare en plan over den nåværende.
change-trial-running = En prøveperiode pågår allerede.
seats-below-minimum = { $plan } krever minst { $min } plasser.
seats-not-a-step = { $plan } selges i trinn på { $step } plasser over { $min }.
seats-above-maximum = Maks { $max } plasser kan kjøpes her; kontakt salgsavdelingen for flere.
credits-insufficient = Kjøringen koster { $needed } kreditter, men bare { $available } er igjen; kjøp en kredittpakke eller vent på månedens kreditter.
vat-not-a-country = «{ $code }» er ingen landkode med to bokstaver, som SE eller NO.
vat-eu-only = MVA-numre kontrolleres bare for EU-land; la feltet stå tomt for { $country }.
vat-prefix = Et MVA-nummer fra { $country } begynner med { $prefix }.
vat-not-valid = «{ $number }» er ikke et gyldig MVA-nummer fra { $country } (f.eks. { $example }).
vat-other-country = { $number } er et MVA-nummer fra { $prefix }, men landet er { $country }; rett landet eller nummeret.
vat-characters = Bare bokstaver, sifre, mellomrom, «-» og «.», maks 30 tegn.
org-number-se = «{ $number }» er ikke et svensk organisasjonsnummer: ti sifre, det siste et kontrollsiffer (f.eks. 556036-0793).
org-number-no = «{ $number }» er ikke et norsk organisasjonsnummer: ni sifre, det siste et kontrollsiffer (f.eks. 923 609 016).
field-required = Obligatorisk.
field-too-long = Maks { $max } tegn.
field-not-an-email = «{ $email }» er ikke en e-postadresse som faktura@example.se.

## E-mail (src/services/mail.rs)

mail-hello = Hei!
mail-reminder-subject = Påminnelse: { $number } – { $seller }
mail-payment-failed-subject = Betalingen mislyktes: { $number } – { $seller }
mail-document-subject = { $number } – { $seller }
mail-reminder = { $number } fra { $seller } forfalt til betaling { $due } og er ennå ikke betalt. Fakturaen er vedlagt.
mail-payment-failed = Vi kunne ikke trekke betalingen for { $number } fra kortet eller PayPal-kontoen deres. Oppdater betalingsmåten under Fakturering → Betalingsmåte og trykk Prøv igjen nå. Vi prøver igjen automatisk de nærmeste dagene. Fakturaen er vedlagt.
mail-document = Vedlagt er { $number } fra { $seller }.
mail-owner-changed-subject = Ny faktureringsansvarlig: { $org }
mail-owner-changed = { $old } har overlatt rollen som faktureringsansvarlig for { $org } til { $new } ({ $when }). { $new } endrer nå plan, plasser, betalingsmåte og faktureringsopplysninger; { $old } er fortsatt admin.

## Countries (src/domain/vat.rs: the billing details form offers these)

country-se = Sverige
country-no = Norge
country-dk = Danmark
country-fi = Finland
country-is = Island
country-de = Tyskland
country-nl = Nederland
country-be = Belgia
country-fr = Frankrike
country-es = Spania
country-it = Italia
country-pl = Polen
country-at = Østerrike
country-ie = Irland
country-pt = Portugal
country-lu = Luxembourg
country-ee = Estland
country-lv = Latvia
country-lt = Litauen
country-cz = Tsjekkia
country-sk = Slovakia
country-si = Slovenia
country-hr = Kroatia
country-hu = Ungarn
country-ro = Romania
country-bg = Bulgaria
country-gr = Hellas
country-cy = Kypros
country-mt = Malta
country-ch = Sveits
country-gb = Storbritannia
country-us = USA
country-ca = Canada
country-au = Australia
country-nz = New Zealand
country-jp = Japan
country-sg = Singapore
country-in = India
country-br = Brasil
country-za = Sør-Afrika
country-ae = De forente arabiske emirater
card-declined = Betalingsleverandøren lagret ikke kortet: { $reason }.
paypal-refused = PayPal avviste: { $reason }.
credits-bought-meanwhile = { $credits } kreditter ble kjøpt { $day } (faktura { $number }) etter at siden ble åpnet; trykk Kjøp igjen for å kjøpe en pakke til.
credits-pack-unpaid = Fakturaen { $number } for den siste kredittpakken din er ikke betalt ennå. Betal den først; så kan du kjøpe en ny pakke.
credits-no-packs-on-plan = Ekstra kredittpakker finnes ikke på { $plan }; oppgrader for å kjøpe flere kreditter.
handover-not-owner = Bare faktureringsansvarlig kan overlate rollen; det er { $owner } nå.
card-digits-only = Bare sifre.
card-length = Et kortnummer har 12 til 19 sifre.
card-check-digit = Kortnummeret er feilskrevet (kontrollsifferet stemmer ikke).
card-expiry-format = Måned og år som MM/ÅÅ.
card-expired = Kortet er utløpt.
card-check-year = Kontroller året.
card-cvc-digits = { $digits } sifre.
change-sales-only = { $plan } kjøpes gjennom salgsavdelingen; kontakt dem for en avtale.
change-too-many-members = { $plan } har plass til { $limit } brukere; dere har { $paid } med betalte roller. Endre rollene deres først.
plan-excl-vat = ekskl. mva.
plan-subscription-for = Abonnement for
plan-whole-organisation = Hele organisasjonen ({ $name })
preview-legacy-lost = Dere betaler en eldre pris og sparer { $saving } per periode mot dagens listepris. Med denne endringen opphører den eldre prisen for godt.
preview-scheduled-dropped = Den planlagte endringen til { $plan } den { $date } fjernes.

## src/pages/subscriptions.rs

subscriptions-title = Abonnementer
subscriptions-started = Startet
subscriptions-period = Periode
subscriptions-renews-on = Fornyes { $date }
subscriptions-ends-after = Opphører etter { $date }
subscriptions-trial-until = { $plan } til og med { $date }
subscriptions-scheduled = Planlagt endring
subscriptions-packs = Kredittpakker
subscriptions-no-packs = Ingen kredittpakker med kreditter igjen.
subscriptions-bought = Kjøpt
history-started = Startet { $plan } med { $seats } plasser
history-upgraded = Oppgraderte fra { $from } til { $to } ({ $seats } plasser)
history-plan-changed = Byttet fra { $from } til { $to } ({ $seats } plasser)
history-now-annual = { $plan } faktureres nå årlig
history-now-monthly = { $plan } faktureres nå månedlig
history-seats = Plasser endret fra { $from } til { $to }
history-scheduled = Endring til { $plan } ({ $seats } plasser) den { $date }
history-scheduled-dropped = Den planlagte endringen til { $plan } ble fjernet
history-trial-started = Prøveperiode av { $plan } startet, til og med { $date }
history-trial-ended = Prøveperioden av { $plan } ble avsluttet
history-auto-renew-on = Automatisk fornyelse ble gjenopptatt
history-auto-renew-off = Automatisk fornyelse ble avsluttet
history-renewed = Fornyet for { $period }
history-canceled = Abonnementet ble avsluttet
billing-trial-then = Gratis i prøveperioden; deretter { $plan }, { $price } { $interval }
credits-buy-pack = Kjøp for { $price } inkl. mva.
credits-confirm-pack = Du kjøper { $credits } kreditter. Fakturaen blir { $net } + mva. = { $total } og betales med betalingsmåten deres.
credits-confirm-buy = Bekreft kjøpet
billing-seats-used = { $used } brukt av { $bought } kjøpt
billing-team-name = Team { $team }
billing-organisation-billing = Organisasjonens fakturering
billing-team-plans = Teamenes abonnement
billing-team-plan-line = Team { $team }: { $plan }, { $seats } plasser
billing-manage = Administrer
credits-pack-line = { $name } – { $credits } kreditter, gyldige i { $months } måneder
credits-bought-done = Ferdig: { $credits } kreditter lagt til (faktura { $invoice })
cancel-still-owe = Bindingstiden gjenstår: du betaler fortsatt { $amount }
cancel-after-that-the-team-returns = Deretter har teamet organisasjonens plan igjen. Ingen data forsvinner.

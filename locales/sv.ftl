## src/components/documents.rs

documents-pending = Obetald
documents-applied = Avräknad
documents-paid = Betald
documents-overdue = Förfallen
documents-void = Makulerad
documents-credit-note = Kreditfaktura
documents-invoice = Faktura
documents-number = Nummer
documents-status = Status
documents-issued = Datum
documents-due = Förfaller
documents-amount = Belopp
documents-amount-due = Att betala
documents-corrects = krediterar{" "}
documents-credited-by = krediterad av{" "}

## src/components/header.rs

header-organisation = Organisation
header-switch = Byt
header-log-out = Logga ut
header-billing = Fakturering

## src/components/page.rs

page-back-to-billing = ← Tillbaka till fakturering
page-not-allowed = Ej tillåtet:

## src/components/usage_chart.rs

usage-chart-credits-per-day-over-the = Krediter per dag de senaste 30 dagarna
usage-chart-in-total = totalt
usage-chart-credits = Krediter
usage-chart-day = Dag

## src/pages/api_keys.rs

api-keys-new-key = Ny nyckel
api-keys-name = Namn
api-keys-create-key = Skapa nyckel
api-keys-copy-the-key-now-it = Kopiera nyckeln nu: den visas bara en gång.
api-keys-keys = Nycklar
api-keys-revoked = Återkallad
api-keys-revoke = Återkalla
api-keys-usage-api-keys = API-nycklar för användning

## src/pages/billing.rs

billing-your-payment-failed-please-update = Betalningen misslyckades. Uppdatera betalningsmetoden.
billing-your-plan-is-locked-by = Planen är låst enligt ert avtal. Kontakta er kontaktperson för att ändra den.
billing-you-are-billed-under-a = Ni faktureras enligt avtal. Kontakta säljavdelningen för att ändra plan eller platser.
billing-per-month = per månad
billing-per-year = per år
billing-trial = Provperiod
billing-active = Aktiv
billing-past-due = Förfallen betalning
billing-canceled = Avslutad
billing-contacts = Kontakter
billing-e-mail-sends-per-month = E-postutskick per månad
billing-integrations = Integrationer
billing-card = Kort
billing-invoice-bank-transfer = Faktura (bankgiro)
billing-none-the-subscription-ends-after = Ingen – abonnemanget upphör efter
billing-as-per-contract = Enligt avtal
billing-none = Ingen
billing-committed-until = Bindningstid till
billing-renews-automatically = förnyas automatiskt
billing-does-not-renew = förnyas inte
billing-renews-automatically-2 = Förnyas automatiskt
billing-does-not-renew-2 = Förnyas inte
billing-contract = Avtal
billing-contract-value = Avtalsvärde
billing-years = år
billing-volume-discount = Volymrabatt
billing-users = Användare
billing-unlimited-up-to = Obegränsat upp till
billing-renews = Förnyas
billing-payment-schedule = Betalningsplan
billing-due = Förfallodatum
billing-latest-invoices = Senaste fakturor
billing-all-invoices-and-credit-notes = Alla fakturor och kreditfakturor →
billing-change-plan-or-seats = Ändra plan eller platser
billing-end-the-trial = Avsluta provperioden
billing-cancel-auto-renew = Avsluta automatisk förnyelse
billing-resume-auto-renew = Återuppta automatisk förnyelse
billing-api-keys = API-nycklar
billing-invoices = Fakturor
billing-billing-details = Faktureringsuppgifter
billing-payment-method = Betalningsmetod
billing-seats-and-owner = Platser och ägare
billing-current-plan = Nuvarande plan
billing-legacy-price-you-save = Äldre pris: du sparar
billing-credits-per-month = Krediter per månad
billing-seats = Platser
billing-next-invoice-incl-vat = Nästa faktura (inkl. moms)
billing-account-credit = Tillgodohavande
billing-account-credit-used = { $amount } tillgodo på ditt konto, som dras av på dina nästa fakturor.
billing-next-invoice-due = { $amount } att betala efter ditt tillgodohavande
billing-change = Ändra
billing-terms = Villkor
billing-included-in-your-plan = Ingår i planen
billing-limits = Gränser
billing-unlimited = Obegränsat

## src/pages/billing_details.rs

billing-details-legal-name = Juridiskt namn
billing-details-address = Adress
billing-details-postal-code = Postnummer
billing-details-city = Ort
billing-details-country = Land
billing-details-vat-number = Momsregistreringsnummer
billing-details-org-number = Organisationsnummer
billing-details-invoice-e-mail = E-post för fakturor
billing-details-save = Spara
billing-details-saved-new-invoices-use-these = Sparat. Nya fakturor använder uppgifterna; utfärdade fakturor ändras inte.
billing-details-please-correct-the-marked-fields = Rätta de markerade fälten.
billing-details-swedish-buyers-pay-25-vat = Svenska köpare betalar 25 % moms. Företag i andra EU-länder med giltigt momsregistreringsnummer faktureras med omvänd betalningsskyldighet; utanför EU utan moms (export).

## src/pages/cancel.rs

cancel-no-further-periods-of-the = Inga fler perioder återstår av bindningstiden.
cancel-the-subscription-stays-active-until = Abonnemanget fortsätter till och med
cancel-after-that-the-account-moves = Därefter övergår kontot till Free. Inga data försvinner.

## src/pages/credits.rs

credits-monthly-allowance = Månadens krediter
credits-credit-pack = Kreditpaket
credits-goodwill = Goodwill
credits-usage = Förbrukning
credits-expired = Utgångna
credits-balance = Saldo
credits-credits = krediter
credits-source = Källa
credits-left = Kvar
credits-valid-through = Giltig till och med
credits-buy-extra-credits = Köp extra krediter
credits-daily-usage = Förbrukning per dag
credits-history = Historik
credits-event = Händelse
credits-detail = Detalj
credits-newer = ← Nyare
credits-older = Äldre →
credits-monthly-allowance-from = Månadens krediter från

## src/pages/invoices.rs

invoices-invoices-and-credit-notes = Fakturor och kreditfakturor
invoices-all = Alla
invoices-filter-by-status = Filtrera på status
invoices-no-documents-with-that-status = Inga dokument med den statusen.
invoices-page = Sida
invoices-of = av
invoices-documents = dokument
invoices-document = Dokument
invoices-credits-invoice = Krediterar faktura{" "}
invoices-credited-by = Krediterad av{" "}
invoices-download-pdf = Ladda ner PDF
invoices-download-e-invoice = E-faktura (Peppol)
invoices-seller = Säljare
invoices-company-reg-no = Org.nr{" "}
invoices-vat-reg-no = Momsreg.nr{" "}
invoices-approved-for-f-tax = Godkänd för F-skatt
invoices-buyer = Köpare
invoices-due-date = Förfallodatum
invoices-payment-terms = Betalningsvillkor
invoices-days-net = dagar netto
invoices-payment-reference-ocr = OCR-nummer
invoices-currency = Valuta
invoices-description = Beskrivning
invoices-qty = Antal
invoices-unit-price = À-pris
invoices-vat = Moms
invoices-subtotal-excl-vat = Summa exkl. moms
invoices-total = Totalt
invoices-less-account-credit = Avgår tillgodohavande
invoices-payment-attempts = Betalningsförsök
invoices-date = Datum
invoices-method = Betalsätt
invoices-outcome = Utfall
invoices-declined = Nekad
invoices-pay-to-bankgiro = Betala till bankgiro
invoices-quoting-ocr = med OCR
invoices-by = senast

## src/pages/login.rs

login-log-in = Logga in
login-e-mail = E-post
login-password = Lösenord

## src/pages/payment_method.rs

payment-method-update-payment-method = Uppdatera betalningsmetod
payment-method-retry-now = Försök igen nu
payment-method-current-payment-method = Nuvarande betalningsmetod
payment-method-no-card-or-paypal-account = Inget kort eller PayPal-konto är sparat: fakturor betalas inte automatiskt.
payment-method-pay-by-card = Betala med kort
payment-method-card-number = Kortnummer
payment-method-expiry-mm-yy = Giltigt till (MM/ÅÅ)
payment-method-cvc = CVC
payment-method-save-card = Spara kortet
payment-method-saved = Sparat:
payment-method-the-card-number-and-cvc = Kortnumret och CVC skickas till betalleverantören och sparas aldrig här; vi sparar bara korttyp, de fyra sista siffrorna och giltighetstiden.
payment-method-other-ways-to-pay = Andra sätt att betala
payment-method-pay-with-paypal = Betala med PayPal
payment-method-pay-by-invoice-bank-transfer = Betala mot faktura (bankgiro)
payment-method-invoice-payment-is-available-to = Betalning mot faktura finns för organisationer i Sverige och för årsabonnemang med minst 20 platser.
payment-method-test-mode-this-page-stands = Testläge: den här sidan står för PayPals godkännandesida.
payment-method-approve-a-billing-agreement-so = Godkänn ett betalningsavtal så att kommande fakturor dras från ditt PayPal-konto.
payment-method-approve = Godkänn
payment-method-cancel = Avbryt

## src/pages/plan.rs

plan-change-plan = Ändra plan
plan-monthly = Månadsvis
plan-annual-two-months-free = Årsvis (två månader gratis)
plan-paid-members = betalande medlemmar
plan-free-client-comment-view-only = gratis (kund, kommentar, läsare)
plan-seats-bought = platser köpta
plan-billing-interval = Faktureringsperiod
plan-show-prices = Visa priser
plan-month = /mån
plan-year = /år
plan-current = Nuvarande
plan-per-seat = per plats
plan-credits-per-month = krediter per månad
plan-choose-keep = Välj (behåll)
plan-choose = Välj
plan-try-free-for = Prova gratis i
plan-days = dagar
plan-upgrade-takes-effect-now = Uppgradering: gäller direkt.
plan-the-change-takes-effect-at = Ändringen gäller från nästa period.
plan-the-seats-are-added-now = Platserna läggs till direkt; kostnaden för resten av perioden kommer på nästa faktura.
plan-the-scheduled-change-is-cancelled = Den schemalagda ändringen tas bort.
plan-this-is-already-your-plan = Det här är redan din plan.
plan-on = den
plan-added-to-the-next-invoice = Läggs på nästa faktura
plan-preview = Förhandsgranskning
plan-seats = platser
plan-credited-now-incl-vat = Krediteras nu (inkl. moms)
plan-invoiced-now-incl-vat = Faktureras nu (inkl. moms)
plan-due-now = Att betala nu
plan-account-credit-after = Tillgodo efteråt
plan-effective = Gäller från
plan-confirm-the-change = Bekräfta ändringen

## src/pages/team.rs

team-member = Medlem
team-custom-role = Anpassad roll
team-client = Klient
team-comment-only = Endast kommentarer
team-view-only = Endast läsbehörighet
team-seats-and-billing-owner = Platser och faktureringsansvarig
team-in-the-contract-s-tier = i avtalets nivå
team-the-free-plan-has-no = (gratisplanen har inga platser att köpa)
team-hand-over-the-billing-owner = Lämna över rollen som faktureringsansvarig
team-the-person-you-choose-becomes = Den du väljer blir faktureringsansvarig direkt och blir admin om hen inte redan är det. Du förlorar rätten att ändra plan, platser, betalningsmetod och faktureringsuppgifter men förblir admin. Ni får båda ett e-postmeddelande.
team-new-billing-owner = Ny faktureringsansvarig
team-needs-a-free-seat = behöver en ledig plats
team-becomes-admin = blir admin
team-i-understand-that-i-lose = Jag förstår att jag förlorar den faktureringsansvariges rättigheter direkt
team-hand-over = Lämna över
team-seats-used = Använda platser
team-with-paid-roles-admin-member = med betalda roller (admin, medlem, anpassad)
team-with-free-roles-client-comment = med gratisroller (klient, kommentarer, läsbehörighet)
team-role = Roll
team-seat = Plats
team-people = Personer
team-paid = betald
team-free = gratis
team-members = Medlemmar
team-billing-owner = Faktureringsansvarig

## src/views/documents.rs

documents-paid-2 = Betalt
documents-paid-by-bank-transfer = Inbetalt via bankgiro
documents-paid-on = Betald
documents-with = med
documents-by-bank-transfer = via bankgiro
documents-settled-by-credit-note = Reglerad med kreditfaktura

## Written with arguments

billing-no-access = Du har inte tillgång till fakturering.
billing-no-access-ask = Du har inte tillgång till fakturering. Fråga { $owner }.
billing-plan-changes-on = Din plan ändras till { $plan } ({ $seats } platser) den { $date }.
billing-trial-days-left = Du provar { $plan }: { $days ->
        [one] { $days } dag
       *[other] { $days } dagar
    } kvar (till { $date }). Du debiteras inte automatiskt.
billing-partner-managed = Ditt konto hanteras av { $partner }; kontakta dem för att ändra faktureringen.
decline-generic = kortet nekades
decline-insufficient-funds = otillräckligt saldo
decline-expired-card = kortet har gått ut
decline-lost-card = kortet är anmält förlorat
decline-stolen-card = kortet är anmält stulet
decline-incorrect-cvc = fel säkerhetskod (CVC)
decline-processing-error = betalningen kunde inte behandlas; försök igen
payment-failed-update = Din betalning på { $amount } misslyckades: { $reason }. Uppdatera din betalningsmetod.
payment-overdue-update = Dina fakturor på { $amount } är förfallna. Betala dem till vårt bankgiro med respektive fakturas OCR-nummer, eller lägg till ett kort och tryck på Försök igen nu.
plan-only-owner-changes = Bara faktureringsansvarig ({ $owner }) kan ändra plan och platser.
line-seats = { $count ->
        [one] 1 plats
       *[other] { $count } platser
    }
line-added-seats = tillagda: { $count ->
        [one] 1 plats
       *[other] { $count } platser
    }
line-credits = { $credits } krediter
line-goodwill = Goodwill-kreditering: { $reason }
line-days-of = { $days }/{ $of } dagar

## src/pdf/invoice.typ (labels of the PDF)

pdf-amount = Belopp
pdf-amount-due = Att betala
pdf-approved-for-f-tax-sweden = Godkänd för F-skatt
pdf-bankgiro-sweden = Bankgiro
pdf-bill-to = Köpare
pdf-buyer-s-vat-no = köparens momsreg.nr
pdf-company-reg-no = Org.nr
pdf-credit = Kreditering
pdf-credit-note = Kreditfaktura
pdf-credits-invoice = Krediterar faktura
pdf-currency = Valuta
pdf-date = Datum
pdf-description = Beskrivning
pdf-due-by = Senast
pdf-due-date = Förfallodatum
pdf-invoice = Faktura
pdf-invoice-date = Fakturadatum
pdf-less-account-credit = Avgår tillgodohavande
pdf-no = Nr
pdf-page = Sida
pdf-paid = Betald
pdf-payment = Betalning
pdf-payment-reference-ocr = OCR-nummer
pdf-payment-terms = Betalningsvillkor
pdf-qty = Antal
pdf-quote-the-ocr-reference = Ange OCR-numret vid betalning så kopplas den till fakturan.
pdf-reference-ocr = OCR-nummer
pdf-seller-s-vat-no = Säljarens momsreg.nr
pdf-subtotal-excl-vat = Summa exkl. moms
pdf-total = Totalt
pdf-unit-price = À-pris
pdf-vat = Moms
pdf-vat-reg-no = Momsreg.nr
pdf-net-days = { $days } dagar netto
pdf-credited-to-account = Beloppet { $amount } har tillgodoräknats ert konto och dras av från kommande fakturor.
pdf-vat-rate-on = Moms { $rate } på { $base }

## Errors and refusals (src/error.rs, src/domain)

error-unauthenticated = Logga in.
error-login-failed = Fel e-postadress eller lösenord.
error-not-found = Hittades inte.
error-fields = Rätta de markerade fälten.
error-too-many-requests = För många försök; försök igen om { $seconds } sekunder.
error-internal = Något gick fel hos oss; försök igen.
error-transport = Servern gick inte att nå: { $detail }
error-one-billing-owner = Organisationen har redan en faktureringsansvarig.
error-owner-is-admin = Faktureringsansvarig måste vara en aktiv admin.
error-state-moved = Ändringen krockar med nuvarande läge; ladda om sidan och försök igen.
error-control-character = { $field } innehåller ett osynligt styrtecken ({ $code }, tecken { $position }); ta bort det och försök igen.
error-key-reused = Den här begärans nyckel har redan använts för en annan ändring; ladda om sidan och försök igen.
refusal-not-admin = Bara admins kan se faktureringen.
refusal-not-admin-ask = Bara admins kan se faktureringen; fråga { $owner }.
refusal-not-owner = Bara faktureringsansvarig kan { $what }.
refusal-not-owner-ask = Bara faktureringsansvarig kan { $what }; fråga { $owner }.
refusal-partner-managed = Ditt konto hanteras av { $partner }; kontakta dem för att ändra faktureringen.
refusal-plan-locked = Planen är låst enligt ert avtal; kontakta er kontaktperson för att ändra den.
refusal-contact-sales = Abonnemanget faktureras enligt avtal; kontakta säljavdelningen för att ändra plan eller platser.
refusal-organisation-covers = Organisationens plan gäller redan alla team; ändra organisationens plan i stället.
refusal-second-team = Teamet { $team } har redan ett eget abonnemang; kontakta säljavdelningen för abonnemang för fler team.
refusal-team-has-own = Teamet { $team } har ett eget abonnemang; kontakta säljavdelningen för att flytta hela organisationen till en betald plan.
refusal-past-due = Ni har en obetald faktura. Betala den först; sedan kan ni { $what }.
what-see-billing = se faktureringen
what-download-invoices = ladda ner fakturor
what-buy-credit-packs = köpa kreditpaket
what-change-plan = ändra plan, platser eller automatisk förnyelse
what-edit-billing-details = ändra faktureringsuppgifter och betalningsmetod
what-hand-over-owner = lämna över rollen som faktureringsansvarig
what-see-seat-usage = se platsanvändningen
what-manage-api-keys = hantera API-nycklar
what-operate = sköta leverantörens fakturering
what-upgrade = uppgradera
what-add-seats = lägga till platser
what-start-trial = starta en provperiod
what-change-subscription = ändra abonnemanget
change-renewal-due = Förnyelsen behandlas just nu; försök igen om några minuter.
change-below-paid-members = { $paid } personer har betalda roller; välj minst { $paid } platser eller ändra deras roller först.
change-price-not-offered = Priset erbjuds inte längre; välj bland de nuvarande planerna.
change-currency-mismatch = Priserna är i { $currency }; välj ett pris i den valutan.
change-canceled = Abonnemanget är avslutat; starta ett nytt.
change-no-trial = { $plan } har ingen provperiod.
change-trial-used = Du har redan provat { $plan }.
change-trial-not-higher = En provperiod gäller bara en plan över den nuvarande.
change-trial-running = En provperiod pågår redan.
seats-below-minimum = { $plan } kräver minst { $min } platser.
seats-not-a-step = { $plan } säljs i steg om { $step } platser över { $min }.
seats-above-maximum = Högst { $max } platser kan köpas här; kontakta säljavdelningen för fler.
credits-insufficient = Körningen kostar { $needed } krediter men bara { $available } finns kvar; köp ett kreditpaket eller vänta på månadens krediter.
vat-not-a-country = ”{ $code }” är ingen landskod med två bokstäver, som SE eller NO.
vat-eu-only = Momsregistreringsnummer kontrolleras bara för EU-länder; lämna fältet tomt för { $country }.
vat-prefix = Ett momsregistreringsnummer från { $country } börjar med { $prefix }.
vat-not-valid = ”{ $number }” är inget giltigt momsregistreringsnummer från { $country } (t.ex. { $example }).
vat-other-country = { $number } är ett momsregistreringsnummer från { $prefix }, men landet är { $country }; rätta landet eller numret.
vat-characters = Bara bokstäver, siffror, mellanslag, ”-” och ”.”, högst 30 tecken.
org-number-se = ”{ $number }” är inget svenskt organisationsnummer: tio siffror, den sista en kontrollsiffra (t.ex. 556036-0793).
org-number-no = ”{ $number }” är inget norskt organisationsnummer: nio siffror, den sista en kontrollsiffra (t.ex. 923 609 016).
field-required = Obligatoriskt.
field-too-long = Högst { $max } tecken.
field-not-an-email = ”{ $email }” är ingen e-postadress som faktura@example.se.

## E-mail (src/services/mail.rs)

mail-hello = Hej!
mail-reminder-subject = Påminnelse: { $number } – { $seller }
mail-payment-failed-subject = Betalningen misslyckades: { $number } – { $seller }
mail-document-subject = { $number } – { $seller }
mail-reminder = { $number } från { $seller } förföll till betalning { $due } och är ännu inte betald. Fakturan är bifogad.
mail-payment-failed = Vi kunde inte dra betalningen för { $number } från ert kort eller PayPal-konto. Uppdatera betalningsmetoden under Fakturering → Betalningsmetod och tryck på Försök igen nu. Vi försöker igen automatiskt de närmaste dagarna. Fakturan är bifogad.
mail-document = Bifogat finns { $number } från { $seller }.
mail-owner-changed-subject = Ny faktureringsansvarig: { $org }
mail-owner-changed = { $old } har lämnat över rollen som faktureringsansvarig för { $org } till { $new } ({ $when }). { $new } ändrar nu plan, platser, betalningsmetod och faktureringsuppgifter; { $old } är fortfarande admin.

## Countries (src/domain/vat.rs: the billing details form offers these)

country-se = Sverige
country-no = Norge
country-dk = Danmark
country-fi = Finland
country-is = Island
country-de = Tyskland
country-nl = Nederländerna
country-be = Belgien
country-fr = Frankrike
country-es = Spanien
country-it = Italien
country-pl = Polen
country-at = Österrike
country-ie = Irland
country-pt = Portugal
country-lu = Luxemburg
country-ee = Estland
country-lv = Lettland
country-lt = Litauen
country-cz = Tjeckien
country-sk = Slovakien
country-si = Slovenien
country-hr = Kroatien
country-hu = Ungern
country-ro = Rumänien
country-bg = Bulgarien
country-gr = Grekland
country-cy = Cypern
country-mt = Malta
country-ch = Schweiz
country-gb = Storbritannien
country-us = USA
country-ca = Kanada
country-au = Australien
country-nz = Nya Zeeland
country-jp = Japan
country-sg = Singapore
country-in = Indien
country-br = Brasilien
country-za = Sydafrika
country-ae = Förenade Arabemiraten
card-declined = Betalleverantören sparade inte kortet: { $reason }.
paypal-refused = PayPal nekade: { $reason }.
credits-bought-meanwhile = { $credits } krediter köptes { $day } (faktura { $number }) efter att sidan öppnades; tryck på Köp igen för att köpa ett paket till.
credits-pack-unpaid = Fakturan { $number } för ditt senaste kreditpaket är inte betald än. Betala den först; sedan kan du köpa ett nytt paket.
credits-no-packs-on-plan = Extra kreditpaket finns inte på { $plan }; uppgradera för att köpa fler krediter.
handover-not-owner = Bara faktureringsansvarig kan lämna över rollen; det är { $owner } nu.
card-digits-only = Bara siffror.
card-length = Ett kortnummer har 12 till 19 siffror.
card-check-digit = Kortnumret är felskrivet (kontrollsiffran stämmer inte).
card-expiry-format = Månad och år som MM/ÅÅ.
card-expired = Kortet har gått ut.
card-check-year = Kontrollera året.
card-cvc-digits = { $digits } siffror.
change-sales-only = { $plan } köps genom säljavdelningen; kontakta dem för ett avtal.
change-too-many-members = { $plan } har plats för { $limit } användare; ni har { $paid } med betalda roller. Ändra deras roller först.
plan-excl-vat = exkl. moms
plan-subscription-for = Abonnemang för
plan-whole-organisation = Hela organisationen ({ $name })
preview-legacy-lost = Ni betalar ett äldre pris och sparar { $saving } per period mot dagens listpris. Med den här ändringen upphör det äldre priset och kommer inte tillbaka.
preview-scheduled-dropped = Den schemalagda ändringen till { $plan } den { $date } tas bort.

## src/pages/subscriptions.rs

subscriptions-title = Abonnemang
subscriptions-started = Startade
subscriptions-period = Period
subscriptions-renews-on = Förnyas { $date }
subscriptions-ends-after = Upphör efter { $date }
subscriptions-trial-until = { $plan } till och med { $date }
subscriptions-scheduled = Schemalagd ändring
subscriptions-packs = Kreditpaket
subscriptions-no-packs = Inga kreditpaket med krediter kvar.
subscriptions-bought = Köpt
history-started = Startade { $plan } med { $seats } platser
history-upgraded = Uppgraderade från { $from } till { $to } ({ $seats } platser)
history-plan-changed = Bytte från { $from } till { $to } ({ $seats } platser)
history-now-annual = { $plan } faktureras nu årsvis
history-now-monthly = { $plan } faktureras nu månadsvis
history-seats = Platser ändrade från { $from } till { $to }
history-scheduled = Ändring till { $plan } ({ $seats } platser) den { $date }
history-scheduled-dropped = Den schemalagda ändringen till { $plan } togs bort
history-trial-started = Provperiod av { $plan } startade, till och med { $date }
history-trial-ended = Provperioden av { $plan } avslutades
history-auto-renew-on = Automatisk förnyelse återupptogs
history-auto-renew-off = Automatisk förnyelse avslutades
history-renewed = Förnyades för { $period }
history-canceled = Abonnemanget avslutades
billing-trial-then = Gratis under provperioden; därefter { $plan }, { $price } { $interval }
credits-buy-pack = Köp för { $price } inkl. moms
credits-confirm-pack = Du köper { $credits } krediter. Fakturan blir { $net } + moms = { $total } och betalas med er betalningsmetod.
credits-confirm-buy = Bekräfta köpet
billing-seats-used = { $used } använda av { $bought } köpta
billing-team-name = Team { $team }
billing-organisation-billing = Organisationens fakturering
billing-team-plans = Teamens abonnemang
billing-team-plan-line = Team { $team }: { $plan }, { $seats } platser
billing-manage = Hantera
credits-pack-line = { $name } – { $credits } krediter, giltiga { $months } månader
credits-bought-done = Klart: { $credits } krediter tillagda (faktura { $invoice })
cancel-still-owe = Bindningstiden återstår: du betalar fortfarande { $amount }
cancel-after-that-the-team-returns = Därefter har teamet organisationens plan igen. Inga data försvinner.

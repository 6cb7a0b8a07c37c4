// Package i18n holds the kiosk's message catalogues, Hindi and English, and
// formats numbers, amounts and dates per language. Every string a citizen
// reads goes through T, so a missing translation is a test failure, not a
// blank button in a village.
package i18n

import (
	"fmt"
	"sort"
	"strings"
)

// Lang is a catalogue language.
type Lang string

const (
	Hindi   Lang = "hi"
	English Lang = "en"
)

// Langs lists the catalogue languages.
var Langs = []Lang{Hindi, English}

// T returns the message for key in lang, formatted with args
// (fmt.Sprintf verbs). A missing key shows as ⟦key⟧ so it is visible on a
// screenshot and caught by the catalogue test.
func T(lang Lang, key string, args ...any) string {
	m, ok := catalog[key]
	if !ok {
		return "⟦" + key + "⟧"
	}
	s := m[lang]
	if s == "" {
		return "⟦" + key + "⟧"
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Both returns the message in both languages, for matching a label pressed
// by name whatever the current language.
func Both(key string) []string {
	m := catalog[key]
	return []string{m[Hindi], m[English]}
}

// Keys lists every catalogue key, sorted.
func Keys() []string {
	keys := make([]string, 0, len(catalog))
	for k := range catalog {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Missing lists "lang:key" for every key without a text in some language.
func Missing() []string {
	var out []string
	for _, k := range Keys() {
		for _, l := range Langs {
			if strings.TrimSpace(catalog[k][l]) == "" {
				out = append(out, string(l)+":"+k)
			}
		}
	}
	return out
}

type msg map[Lang]string

// catalog is the whole message catalogue. Hindi is written as a villager
// reads it on a government form, not as a word-for-word translation.
var catalog = map[string]msg{
	"app.title":              {Hindi: "ई-मित्र प्लस", English: "e-Mitra Plus"},
	"lang.hi":                {Hindi: "हिन्दी", English: "हिन्दी"},
	"lang.en":                {Hindi: "English", English: "English"},
	"nav.back":               {Hindi: "पीछे", English: "Back"},
	"nav.cancel":             {Hindi: "रद्द करें", English: "Cancel"},
	"nav.home":               {Hindi: "मुख्य पृष्ठ", English: "Home"},
	"nav.next":               {Hindi: "आगे", English: "Next"},
	"nav.step":               {Hindi: "चरण %d / %d", English: "Step %d of %d"},
	"home.prompt":            {Hindi: "आप क्या करना चाहते हैं?", English: "What would you like to do?"},
	"svc.bills":              {Hindi: "बिल भुगतान", English: "Pay bills"},
	"svc.certificates":       {Hindi: "प्रमाण पत्र", English: "Certificates"},
	"svc.land":               {Hindi: "भूमि रिकॉर्ड", English: "Land records"},
	"svc.exam":               {Hindi: "परीक्षा प्रवेश पत्र", English: "Exam admit cards"},
	"svc.aadhaar":            {Hindi: "आधार / जन आधार", English: "Aadhaar / Jan Aadhaar"},
	"svc.pension":            {Hindi: "पेंशन सत्यापन", English: "Pension verification"},
	"svc.status":             {Hindi: "स्थिति जानें", English: "Check status"},
	"svc.help":               {Hindi: "सहायता", English: "Help"},
	"svc.unavailable":        {Hindi: "यह सेवा अभी इस कियोस्क पर उपलब्ध नहीं है।", English: "This service is not available at this kiosk yet."},
	"bills.prompt":           {Hindi: "कौन सा बिल भरना है?", English: "Which bill do you want to pay?"},
	"cat.electricity":        {Hindi: "बिजली", English: "Electricity"},
	"cat.water":              {Hindi: "पानी", English: "Water"},
	"cat.telephone":          {Hindi: "टेलीफोन / पोस्टपेड", English: "Telephone / postpaid"},
	"cat.mobile":             {Hindi: "मोबाइल रिचार्ज", English: "Mobile recharge"},
	"cat.none":               {Hindi: "इस श्रेणी के बिल अभी इस कियोस्क पर नहीं भरे जा सकते।", English: "Bills of this kind cannot be paid at this kiosk yet."},
	"biller.prompt":          {Hindi: "अपनी बिजली कंपनी चुनें", English: "Choose your electricity company"},
	"ref.prompt":             {Hindi: "अपना %s लिखें", English: "Enter your %s"},
	"ref.hint":               {Hindi: "बिल पर छपा %d अंकों का नंबर", English: "The %d-digit number printed on your bill"},
	"ref.clear":              {Hindi: "मिटाएँ", English: "Clear"},
	"ref.backspace":          {Hindi: "एक अंक हटाएँ", English: "Delete one"},
	"ref.fetch":              {Hindi: "बिल देखें", English: "Get bill"},
	"ref.fetching":           {Hindi: "बिल लाया जा रहा है…", English: "Fetching your bill…"},
	"err.invalid_ref":        {Hindi: "यह नंबर सही नहीं है। %d अंक लिखें।", English: "This number is not valid. Enter %d digits."},
	"err.no_bill":            {Hindi: "इस नंबर पर कोई बकाया बिल नहीं मिला।", English: "No bill is due for this number."},
	"err.unknown_biller":     {Hindi: "यह कंपनी अभी उपलब्ध नहीं है।", English: "This company is not available."},
	"err.gateway_down":       {Hindi: "सेवा अभी उपलब्ध नहीं है। कुछ देर बाद प्रयास करें। कोई राशि नहीं ली गई।", English: "The service is not reachable now. Please try later. Nothing was charged."},
	"bill.title":             {Hindi: "आपका बिल", English: "Your bill"},
	"bill.name":              {Hindi: "उपभोक्ता", English: "Consumer"},
	"bill.number":            {Hindi: "बिल संख्या", English: "Bill number"},
	"bill.due_date":          {Hindi: "अंतिम तिथि", English: "Due date"},
	"bill.amount":            {Hindi: "बिल राशि", English: "Bill amount"},
	"bill.charge":            {Hindi: "उपयोग शुल्क", English: "User charge"},
	"bill.total":             {Hindi: "कुल देय", English: "Total to pay"},
	"bill.pay_cash":          {Hindi: "नकद भुगतान", English: "Pay by cash"},
	"cash.title":             {Hindi: "नोट डालें", English: "Insert notes"},
	"cash.due":               {Hindi: "कुल देय", English: "To pay"},
	"cash.inserted":          {Hindi: "डाले गए", English: "Inserted"},
	"cash.remaining":         {Hindi: "शेष", English: "Remaining"},
	"cash.hint":              {Hindi: "₹10 से ₹2000 तक के नोट एक-एक करके डालें", English: "Insert notes of ₹10 to ₹2000, one at a time"},
	"cash.sim":               {Hindi: "SIMULATOR — सिम्युलेटर: नोट डालें", English: "SIMULATOR: insert a note"},
	"cash.posting":           {Hindi: "भुगतान किया जा रहा है…", English: "Making the payment…"},
	"cash.printing":          {Hindi: "रसीद छप रही है…", English: "Printing your receipt…"},
	"overpay.title":          {Hindi: "यह नोट देय राशि से अधिक है", English: "This note is more than the amount due"},
	"overpay.return":         {Hindi: "नोट वापस लें", English: "Return note"},
	"overpay.keep":           {Hindi: "%s क्रेडिट पर्ची में लें", English: "Keep %s as credit slip"},
	"problem.note-rejected":  {Hindi: "यह नोट स्वीकार नहीं हुआ। कृपया दूसरा नोट डालें।", English: "This note was not accepted. Please insert another note."},
	"problem.acceptor-down":  {Hindi: "नोट मशीन काम नहीं कर रही। डाली गई राशि की क्रेडिट पर्ची मिलेगी।", English: "The note acceptor is not working. You get a credit slip for what you inserted."},
	"problem.printer-down":   {Hindi: "रसीद नहीं छप सकी (प्रिंटर में समस्या)। ऑपरेटर से रसीद दोबारा छपवाएँ।", English: "The receipt could not be printed (printer problem). Ask the operator to reprint it."},
	"problem.gateway-down":   {Hindi: "भुगतान की पुष्टि नहीं हो सकी। पावती पर्ची छापी गई है।", English: "The payment could not be confirmed. An acknowledgement slip was printed."},
	"problem.payment-failed": {Hindi: "भुगतान अस्वीकार हुआ। आपकी राशि की क्रेडिट पर्ची छापी गई है।", English: "The payment was refused. A credit slip for your money was printed."},
	"done.thanks":            {Hindi: "धन्यवाद!", English: "Thank you!"},
	"done.paid":              {Hindi: "%s का भुगतान हो गया। रसीद ले लें।", English: "%s paid. Please take your receipt."},
	"done.ref":               {Hindi: "संदर्भ: %s", English: "Reference: %s"},
	"done.credit":            {Hindi: "%s की क्रेडिट पर्ची छापी गई है।", English: "A credit slip for %s was printed."},
	"cancelled.title":        {Hindi: "रद्द किया गया", English: "Cancelled"},
	"cancelled.nothing":      {Hindi: "कोई राशि नहीं ली गई।", English: "Nothing was charged."},
	"credited.title":         {Hindi: "क्रेडिट पर्ची", English: "Credit slip"},
	"ack.title":              {Hindi: "पावती", English: "Acknowledgement"},
	"ack.body":               {Hindi: "%s प्राप्त हुए। भुगतान पूरा होते ही दर्ज होगा; विफल होने पर इसी कियोस्क पर क्रेडिट मिलेगा।", English: "%s received. The payment is recorded as soon as it is confirmed; if it fails, it is credited at this kiosk."},
	"recovered.title":        {Hindi: "पिछला लेन-देन पूरा किया गया", English: "An earlier transaction was completed"},
	"recovered.credit":       {Hindi: "बिजली जाने के बाद %s की क्रेडिट पर्ची छापी गई (लेन-देन %s)।", English: "After a power cut, a credit slip for %s was printed (transaction %s)."},
	"recovered.paid":         {Hindi: "%s का भुगतान पूरा हुआ (लेन-देन %s)।", English: "The payment of %s was completed (transaction %s)."},
	"recovered.cancelled":    {Hindi: "लेन-देन %s रद्द हुआ; कोई राशि नहीं ली गई।", English: "Transaction %s was cancelled; nothing was charged."},
	"recovered.pending":      {Hindi: "%s की पुष्टि की जा रही है (लेन-देन %s)।", English: "%s is being confirmed (transaction %s)."},
	"idle.title":             {Hindi: "क्या आप अभी भी यहाँ हैं?", English: "Are you still there?"},
	"idle.body":              {Hindi: "%d सेकंड में सत्र समाप्त होगा।", English: "The session ends in %d seconds."},
	"idle.more":              {Hindi: "और समय", English: "More time"},
	"ok":                     {Hindi: "ठीक है", English: "OK"},
	// Spoken only (ui/voice): the instruction of a screen whose title
	// names a per-service field, which a recording made ahead cannot say.
	"spoken.type_number": {Hindi: "नीचे के बटनों से संख्या लिखें, फिर आगे बढ़ने वाला बटन दबाएँ।", English: "Type the number with the keys below, then press the button to go on."},
	"spoken.choose":      {Hindi: "नीचे दिए गए विकल्पों में से एक चुनें।", English: "Choose one of the options below."},
	"access.title":       {Hindi: "देखने और सुनने की सुविधा", English: "Seeing and hearing"},
	"access.large":       {Hindi: "बड़े अक्षर", English: "Large text"},
	"access.contrast":    {Hindi: "गहरे रंग", English: "High contrast"},
	"access.voice":       {Hindi: "बोलकर बताना", English: "Spoken help"},
	"access.on":          {Hindi: "चालू", English: "On"},
	"access.off":         {Hindi: "बंद", English: "Off"},
	"access.quieter":     {Hindi: "धीमी आवाज़", English: "Quieter"},
	"access.louder":      {Hindi: "तेज़ आवाज़", English: "Louder"},
	"access.volume":      {Hindi: "आवाज़: %d / 10", English: "Volume: %d of 10"},
	"access.no_audio":    {Hindi: "इस मशीन पर आवाज़ नहीं है", English: "This kiosk has no sound"},
	"access.repeat":      {Hindi: "फिर से सुनें", English: "Listen again"},
	"access.open":        {Hindi: "देखने-सुनने की सुविधा", English: "Seeing and hearing options"},
}

package i18n

// The messages of the document, status and credit-slip flows (ui/flows.go),
// kept in their own table so the flows and their words travel together.
var flowCatalog = map[string]msg{
	"flow.pick_option":   {Hindi: "%s चुनें", English: "Choose the %s"},
	"flow.example":       {Hindi: "उदाहरण: %s", English: "Example: %s"},
	"flow.find":          {Hindi: "खोजें", English: "Find"},
	"flow.finding":       {Hindi: "खोजा जा रहा है…", English: "Searching…"},
	"flow.invalid":       {Hindi: "यह सही नहीं है। उदाहरण देखें: %s", English: "This is not valid. See the example: %s"},
	"flow.invalid_plain": {Hindi: "यह सही नहीं है। कृपया जाँच लें।", English: "This is not valid. Please check it."},
	"flow.not_found":     {Hindi: "इस संख्या पर कुछ नहीं मिला। संख्या जाँच लें।", English: "Nothing was found for this number. Please check it."},
	"flow.not_ready":     {Hindi: "आवेदन पर अभी निर्णय नहीं हुआ है। बाद में आएँ।", English: "The application is not decided yet. Please come back later."},
	"doc.domicile":       {Hindi: "मूल निवास", English: "Domicile"},
	"doc.caste":          {Hindi: "जाति", English: "Caste"},
	"doc.marriage":       {Hindi: "विवाह", English: "Marriage"},
	"doc.birth":          {Hindi: "जन्म", English: "Birth"},
	"doc.death":          {Hindi: "मृत्यु", English: "Death"},
	"doc.police":         {Hindi: "पुलिस चरित्र", English: "Police character"},
	"doc.minority":       {Hindi: "अल्पसंख्यक", English: "Minority"},
	"doc.disability":     {Hindi: "विकलांगता", English: "Disability"},
	"doc.admit_card":     {Hindi: "प्रवेश पत्र", English: "Admit card"},
	"doc.jamabandi":      {Hindi: "जमाबंदी", English: "Jamabandi"},
	"doc.naksha":         {Hindi: "नक्शा", English: "Naksha (map)"},
	"doc.girdawari":      {Hindi: "गिरदावरी", English: "Girdawari"},
	"doc.aadhaar":        {Hindi: "आधार कार्ड", English: "Aadhaar card"},
	"doc.jan_aadhaar":    {Hindi: "जन आधार कार्ड", English: "Jan Aadhaar card"},
	"doc.title":          {Hindi: "आपका दस्तावेज़", English: "Your document"},
	"doc.holder":         {Hindi: "नाम", English: "Name"},
	"doc.issued":         {Hindi: "जारी तिथि", English: "Issued on"},
	"doc.issuer":         {Hindi: "जारीकर्ता", English: "Issued by"},
	"doc.pages":          {Hindi: "पृष्ठ", English: "Pages"},
	"doc.fee":            {Hindi: "विभाग शुल्क", English: "Department fee"},
	"doc.take":           {Hindi: "अपना दस्तावेज़ A4 प्रिंटर से ले लें।", English: "Please take your document from the A4 printer."},
	"status.grievance":   {Hindi: "शिकायत (संपर्क)", English: "Grievance (Sampark)"},
	"status.court":       {Hindi: "न्यायालय प्रकरण", English: "Court case"},
	"status.app":         {Hindi: "आवेदन", English: "Application"},
	"status.scheme":      {Hindi: "योजना लाभ", English: "Scheme benefit"},
	"status.exam":        {Hindi: "परीक्षा परिणाम", English: "Exam result"},
	"status.title":       {Hindi: "स्थिति", English: "Status"},
	"status.office":      {Hindi: "कार्यालय", English: "Office"},
	"status.next":        {Hindi: "अगली तिथि", English: "Next date"},
	"status.history":     {Hindi: "अब तक", English: "So far"},
	"status.print":       {Hindi: "पर्ची छापें", English: "Print a slip"},
	"status.printed":     {Hindi: "पर्ची छप गई। कृपया ले लें।", English: "The slip is printed. Please take it."},
	"credit.use":         {Hindi: "क्रेडिट पर्ची लगाएँ", English: "Use a credit slip"},
	"credit.prompt":      {Hindi: "क्रेडिट पर्ची का 12 अंकों का कोड लिखें", English: "Enter the 12-digit code on your credit slip"},
	"credit.apply":       {Hindi: "पर्ची लगाएँ", English: "Use this slip"},
	"credit.applied":     {Hindi: "क्रेडिट पर्ची", English: "Credit slip"},
	"err.credit_format":  {Hindi: "कोड में 12 अंक होते हैं।", English: "A credit code has 12 digits."},
	"err.credit_unknown": {Hindi: "यह कोड इस कियोस्क की किसी पर्ची का नहीं है।",
		English: "This code is not on a credit slip of this kiosk."},
	"err.credit_spent": {Hindi: "यह पर्ची पहले ही उपयोग हो चुकी है।", English: "This credit slip has already been used."},
	"err.credit_locked": {Hindi: "बहुत बार गलत कोड। ऑपरेटर से संपर्क करें।",
		English: "Too many wrong codes. Please ask the operator."},
}

func init() {
	for k, m := range flowCatalog {
		if _, dup := catalog[k]; dup {
			panic("i18n: key " + k + " is in two tables")
		}
		catalog[k] = m
	}
}

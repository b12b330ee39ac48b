# Kept whole: data, not logic: the municipality's service cards as published.
"""The municipality's service cards (../shared/seeds), as catalogue rows.

Loaded by the data migrations (so production has the catalogue) and re-applied by ``seed_demo``;
both update rows by slug, so staff edits to other services survive.

The Arabic is the cards' own wording. Where the scanned cards carry obvious typing or OCR slips, the
slip is mended and nothing else is changed: الرميز/التميز → الرمز, وفتحها → وفئتها, ارستلام → استلام,
بتاح → يتاح, الموطنين → المواطنين, لنسائيا → إنشائياً, تحفقات → تحققات, بموعيد → بموعد, and
"بعد الموافقة" → "بعدم الموافقة" where the sentence is about a refusal. Footnote marks are dropped.
Seed 001 (the driving-licence user guide) adds the by-licence inquiry to the violations card (000):
one service covers both. Seed 003 is a user guide, not a card: the contractor entry keeps its steps
and fills the review/billing steps, the partner and the payment deadline from the design and the
contractors app (contractors.constants.PAYMENT_DAYS); it says plainly that the guide sets no standard
time rather than inventing one. List-like fields hold one item per line.

Which page starts a service (``Service.start_url_name``) is not catalogue data: each service's app sets
it in its own migration and demo, and loading the catalogue never touches it (it once reset the
accident and contractor start buttons whenever a later services migration reloaded the catalogue).
"""

_AMMAN_WEBSITE_AR = "الموقع الالكتروني للأمانة www.amman.jo"
_AMMAN_WEBSITE_EN = "The municipality's website www.amman.jo"
# Cards 002 and 004 and guide 003 name no hours: their only channel is the website, open around the
# clock, while the departments act on requests on working days (as their standard times say).
_ONLINE_HOURS_AR = "على مدار 24 ساعة عبر الموقع الالكتروني، وتتم معالجة الطلبات خلال أيام العمل الرسمية"
_ONLINE_HOURS_EN = "24 hours a day on the website; requests are processed on working days"

CATALOGUE: list[dict] = [
    {
        "slug": "traffic-violations",
        "order": 1,
        "kind": "inquiry",
        "name_ar": "طلب الاستعلام ودفع مخالفات السير والسوق",
        "name_en": "Traffic and driving-licence violations: inquiry and payment",
        "description_ar": (
            "تمكن هذه الخدمة من الحصول على تقرير بقيمة مخالفات السير المحررة على المركبات والحصول على رقم"
            " الدفع الالكتروني سواء على مستوى كل مخالفة او جميع المخالفات ودفعها، وكذلك المخالفات المحررة"
            " على رخصة السوق."
        ),
        "description_en": (
            "This service gives a statement of the traffic violations recorded against vehicles, with an"
            " e-payment number for each violation or for all of them together, and lets you pay them; the same"
            " for the violations recorded against a driving licence."
        ),
        "conditions_ar": "لا يوجد",
        "conditions_en": "None",
        "beneficiaries_ar": (
            "أعمال: الشركات، مؤسسة فردية، جمعيات تعاونية، جمعيات، مكاتب مهنية، المناطق الحرة\nأفراد: أردني، غير أردني"
        ),
        "beneficiaries_en": (
            "Businesses: companies, sole proprietorships, cooperatives, associations, professional offices,"
            " free zones\nIndividuals: Jordanian, non-Jordanian"
        ),
        "channels_ar": "الموقع الالكتروني\nتطبيق الهواتف الذكية",
        "channels_en": "Website\nSmartphone app",
        "hours_ar": "على مدار 24 ساعة",
        "hours_en": "24 hours a day",
        "standard_time_ar": "10 دقائق",
        "standard_time_en": "10 minutes",
        "standard_minutes": 10,
        "standard_working_days": None,
        "fees_ar": "لا يوجد",
        "fees_en": "None",
        "payment_ar": "يتم دفع قيمة المخالفات من خلال إي فواتيركم",
        "payment_en": "The violations are paid through eFAWATEERcom",
        "outputs_ar": "كشف مخالفات السير - الكتروني\nاشعار بالدفع - الكتروني",
        "outputs_en": "Statement of traffic violations (electronic)\nPayment notice (electronic)",
        "steps_ar": "\n".join(
            [
                "الدخول للموقع الالكتروني للأمانة وتسجيل الدخول الى الحساب الشخصي",
                "يقوم المتعامل باختيار الخدمات الالكترونية على الموقع الرسمي لأمانة عمان الكبرى",
                "يقوم المتعامل باختيار خدمة استعلام ودفع مخالفات السير",
                "يتم ادخال البيانات المطلوبة بالصفحة وهي رقم المركبة والرمز ورقم تسجيل المركبة، ومن ثم تقديم الطلب"
                " للحصول على كشف بالمخالفات المحررة على المركبة وعرضه على الشاشة",
                "للاستعلام عن مخالفات رخصة السوق: يقوم مقدم الطلب بادخال رقم الرخصة كما هو موجود في رخصة السوق"
                ' واختيار مركز الرخصة وفئة الرخصة، ثم الضغط على زر "بحث" فتظهر البيانات الخاصة برخصة السوق',
                "يتم الحصول على رقم الدفع الالكتروني الخاص بكل مخالفة او جميع المخالفات معا من خلال كشف المخالفات"
                " المحررة. حيث يتم دفع قيمة المخالفات عن طريق قناة اي فواتيركم، وذلك من خلال الدخول الى صفحة اي"
                " فواتيركم واختيار القطاع الحكومي و ثم مخالفات السير و ثم اختيار نوع الخدمة المطلوب الدفع عنها"
                " و ثم كتابة رقم الدفع الالكتروني بالخانة المخصصة واختيار دفع.",
            ]
        ),
        "steps_en": "\n".join(
            [
                "Go to the municipality's website and log in to your personal account",
                "Choose e-services on the official website of the Greater Amman Municipality",
                "Choose the traffic violations inquiry and payment service",
                "Enter the data the page asks for, namely the plate number, the plate code and the vehicle"
                " registration number, then submit to get the statement of the violations recorded against the"
                " vehicle on screen",
                "To look up the violations on a driving licence: enter the licence number as it appears on the"
                ' driving licence, choose the licence centre and the licence category, then press "Search" to'
                " see the driving licence's data",
                "The statement gives an e-payment number for each violation or for all the violations together."
                " The violations are paid through eFAWATEERcom: open eFAWATEERcom, choose the government sector,"
                " then traffic violations, then the kind of service to pay for, enter the e-payment number in its"
                " box and choose pay.",
            ]
        ),
        "partners_ar": "إدارة السير: الربط مع الشريك للحصول على معلومات المخالفات الخاصة بصاحب المركبة",
        "partners_en": "Traffic Department: the link with the partner that supplies the vehicle owner's violations",
        "notes_ar": "\n".join(
            [
                "يمكن الاستعلام ودفع مخالفات السير والسوق بالخطوات نفسها من خلال تطبيق الهاتف لأمانة عمان الكبرى.",
                "إذا كان رقم الرخصة يتكون من 8 خانات رقمية لا حاجة لتحديد مركز الرخصة وفئتها لإستكمال عملية الاستعلام.",
            ]
        ),
        "notes_en": "\n".join(
            [
                "The same steps work in the Greater Amman Municipality's phone app.",
                "If the licence number has 8 digits, there is no need to choose the licence centre and category"
                " to complete the inquiry.",
            ]
        ),
        "documents": [
            {
                "name_ar": "رخصة المركبة",
                "name_en": "Vehicle licence",
                "description_ar": "يتم ادخال معلومات رخصة المركبة",
                "description_en": "The vehicle licence details are entered",
                "issuer_ar": "إدارة السواقين و المركبات",
                "issuer_en": "Drivers and Vehicles Licensing Department",
                "form": "electronic",
            },
            {
                "name_ar": "رخصة السوق",
                "name_en": "Driving licence",
                "description_ar": "يتم ادخال رقم الرخصة ومركز الرخصة وفئة الرخصة",
                "description_en": "The licence number, licence centre and licence category are entered",
                "issuer_ar": "إدارة السواقين و المركبات",
                "issuer_en": "Drivers and Vehicles Licensing Department",
                "form": "electronic",
            },
        ],
    },
    {
        "slug": "accident-claim-release",
        "order": 2,
        "kind": "procedure",
        "name_ar": "كف طلب عن حادث سير",
        "name_en": "Accident claim release",
        "description_ar": (
            "تمكن هذه الخدمة الاشخاص الذين تسببوا بحوادث سير واحدثوا اضرار بممتلكات الامانة من دفع قيمة الاضرار"
            " شخصياً أو من خلال شركة التأمين، والحصول على كف الطلب عن المركبة."
        ),
        "description_en": (
            "For people who caused a traffic accident that damaged municipal property: pay the valued damage"
            " yourself or through your insurance company, and have the claim on the vehicle released."
        ),
        "conditions_ar": "وجود كروكة من دائرة السير",
        "conditions_en": "A police accident sketch (kroka) from the Traffic Department",
        "beneficiaries_ar": "مواطن، مقيم (الاشخاص الذين تسببوا بحوادث سير واحدثوا اضرار بممتلكات الامانة)",
        "beneficiaries_en": "Citizens and residents (people who caused traffic accidents that damaged municipal property)",
        "channels_ar": _AMMAN_WEBSITE_AR,
        "channels_en": _AMMAN_WEBSITE_EN,
        "hours_ar": _ONLINE_HOURS_AR,
        "hours_en": _ONLINE_HOURS_EN,
        "standard_time_ar": "3 - 5 أيام عمل",
        "standard_time_en": "3 to 5 working days",
        "standard_minutes": None,
        "standard_working_days": 5,
        "fees_ar": "حسب قيمة الاضرار",
        "fees_en": "According to the valued damage",
        "payment_ar": "يتم دفع قيمة الأضرار من خلال رقم الدفع الالكتروني (إي فواتيركم) أو من خلال شركة التأمين",
        "payment_en": "The damage is paid with an e-payment number (eFAWATEERcom) or through the insurance company",
        "outputs_ar": "وصل مالي - الكتروني\nرسالة بكف الطلب عن المركبة",
        "outputs_en": "Financial receipt (electronic)\nMessage that the claim on the vehicle is released",
        "steps_ar": "\n".join(
            [
                "الدخول الى موقع الأمانة الالكتروني www.amman.jo",
                "اختيار الخدمات الالكترونية من الشاشة الرئيسية للموقع.",
                "اختيار خدمة كف طلب عن حادث سير من قائمة الخدمات الالكترونية",
                "تعبئة البيانات المطلوبة على شاشة تقديم الطلب",
                "يتم احتساب قيمة الاضرار الناجمة عن الحادث من قبل الدوائر المعنية. وبعد احتساب قيمة الأضرار، يتم"
                " التحقق من حالة التأمين (فعال/ غير فعال (منتهي)).",
                "في حال كان التأمين (غير فعال)، يتم استلام رسالة نصية بضرورة دفع قيمة الأضرار من خلال رقم الدفع"
                " الالكتروني المرسل كون التأمين منتهي (غير فعال).",
                "في حال كان التأمين (فعال)، يتم استلام رسالة نصية لاختيار طريقة الدفع (دفع شخصي أو من خلال شركة"
                " التأمين) وذلك من خلال الدخول للبوابة الالكترونية للخدمة واختيار طريقة الدفع.",
                "في حال اختيار طريقة الدفع الشخصي، يتم استلام رسالة نصية برقم الدفع الالكتروني لدفع قيمة الأضرار"
                " ويتاح طباعة وصل مالي لغايات مراجعة شركة التأمين.",
                "في حال اختيار طريقة الدفع من خلال شركة التأمين، يتم استلام رسالة نصية بضرورة ارفاق كتاب موافقة من"
                " شركة التأمين وذلك من خلال الدخول للبوابة الالكترونية للخدمة.",
                "بعد تحميل كتاب موافقة شركة التأمين، يتم التحقق من صحته وفي حال عدم صحة الكتاب يتم الغاء الطلب.",
                "في حال صحة كتاب موافقة شركة التأمين أو إتمام دفع قيمة الأضرار، يتم استلام رسالة بكف الطلب عن المركبة.",
            ]
        ),
        "steps_en": "\n".join(
            [
                "Go to the municipality's website www.amman.jo",
                "Choose e-services on the website's home page.",
                "Choose the accident claim release service from the list of e-services",
                "Fill in the data the application screen asks for",
                "The concerned departments value the damage caused by the accident. Once the damage is valued,"
                " the insurance status is checked (active / inactive (expired)).",
                "If the insurance is inactive, you receive a text message asking you to pay the damage with the"
                " e-payment number sent, because the insurance has expired.",
                "If the insurance is active, you receive a text message asking you to choose how to pay (personally"
                " or through the insurance company) on the service's page on the portal.",
                "If you choose to pay personally, you receive a text message with the e-payment number for the"
                " damage, and you can print a financial receipt to claim from the insurance company.",
                "If you choose to pay through the insurance company, you receive a text message asking you to"
                " upload the insurance company's approval letter on the service's page on the portal.",
                "Once the insurance company's approval letter is uploaded, it is checked; if the letter is not"
                " valid, the request is cancelled.",
                "When the insurance company's letter is valid or the damage has been paid, you receive a message"
                " that the claim on the vehicle is released.",
            ]
        ),
        "partners_ar": (
            "دائرة السير: كروكة الحادث\nشركات التأمين: كتاب الموافقة على دفع قيمة الأضرار عند اختيار الدفع من خلالها"
        ),
        "partners_en": (
            "Traffic Department: the accident sketch\nInsurance companies: the letter approving payment of the"
            " damage when paying through them"
        ),
        "notes_ar": "\n".join(
            [
                "في حال عدم دفع قيمة الأضرار المطلوبة خلال (3) ثلاثة أيام، يتم الغاء الطلب.",
                "في حال عدم ارفاق كتاب موافقة شركة التأمين على دفع قيمة الأضرار خلال (3) ثلاثة أيام، يتم الغاء الطلب.",
            ]
        ),
        "notes_en": "\n".join(
            [
                "If the damage is not paid within three (3) days, the request is cancelled.",
                "If the insurance company's letter approving payment of the damage is not uploaded within three (3)"
                " days, the request is cancelled.",
            ]
        ),
        "documents": [
            {
                "name_ar": "كروكة الحادث",
                "name_en": "Accident sketch (kroka)",
                "description_ar": "مخطط الحادث الصادر عن دائرة السير",
                "description_en": "The accident sketch issued by the Traffic Department",
                "issuer_ar": "دائرة السير",
                "issuer_en": "Traffic Department",
                "form": "electronic",
            },
            {
                "name_ar": "كتاب موافقة شركة التأمين",
                "name_en": "Insurance company's approval letter",
                "description_ar": "عند اختيار الدفع من خلال شركة التأمين",
                "description_en": "When paying through the insurance company",
                "issuer_ar": "شركة التأمين",
                "issuer_en": "The insurance company",
                "form": "electronic",
            },
        ],
    },
    {
        "slug": "contractor-permit-renewal",
        "order": 3,
        "kind": "procedure",
        "name_ar": "تجديد تصريح مقاولين",
        "name_en": "Contractor permit renewal",
        "description_ar": (
            "تمكن هذه الخدمة المقاولين من تقديم طلب تجديد تصريح المقاول الصادر عن أمانة عمان الكبرى، ودفع الرسوم"
            " الكترونياً والحصول على التصريح المجدد."
        ),
        "description_en": (
            "Contractors apply to renew the contractor permit issued by the Greater Amman Municipality, pay the"
            " fees electronically and receive the renewed permit."
        ),
        "conditions_ar": "أن يكون للمقاول تصريح صادر عن الأمانة (رقم المقاول ورقم التصريح وسنة التصريح)",
        "conditions_en": "The contractor holds a permit issued by the municipality (contractor number, permit number and year)",
        "beneficiaries_ar": "قطاع الأعمال: المقاولون",
        "beneficiaries_en": "Businesses: contractors",
        "channels_ar": "الموقع الالكتروني للأمانة www.amman.jo او www.ammancity.gov.jo",
        "channels_en": "The municipality's website www.amman.jo or www.ammancity.gov.jo",
        "hours_ar": _ONLINE_HOURS_AR,
        "hours_en": _ONLINE_HOURS_EN,
        "standard_time_ar": "غير محدد في دليل الخدمة",
        "standard_time_en": "Not set in the service guide",
        "standard_minutes": None,
        "standard_working_days": None,
        "fees_ar": "رسوم تجديد التصريح، تحدد بعد مراجعة الطلب",
        "fees_en": "The permit renewal fee, set once the request is reviewed",
        "payment_ar": "من خلال رقم الدفع الالكتروني (إي فواتيركم)",
        "payment_en": "With an e-payment number (eFAWATEERcom)",
        "outputs_ar": "تصريح المقاول المجدد - الكتروني",
        "outputs_en": "The renewed contractor permit (electronic)",
        "steps_ar": "\n".join(
            [
                "الذهاب الى متصفح الانترنت وادخال عنوان الرابط الإلكتروني www.amman.jo او www.ammancity.gov.jo",
                "اختيار ايقونة الخدمات الإلكترونية من الصفحة الرئيسية على الموقع الإلكتروني الرسمي لأمانة عمان الكبرى",
                'الضغط على ايقونة خدمة "تجديد تصريح مقاولين" فتظهر الشاشة الخاصة بتقديم الخدمة',
                "ادخال رقم المقاول ورقم التصريح وسنة التصريح، وإذا كانت المعلومات صحيحة يتم ارجاع اسم المقاول",
                "ادخال سبب التجديد ورقم الهاتف وكود التحقق ثم تقديم الطلب",
                "تتم مراجعة الطلب، ويتم استلام رسالة نصية برقم الدفع الالكتروني لرسوم التجديد",
                "بعد اتمام عملية الدفع يصدر التصريح المجدد",
            ]
        ),
        "steps_en": "\n".join(
            [
                "Open a web browser and go to www.amman.jo or www.ammancity.gov.jo",
                "Choose the e-services icon on the home page of the Greater Amman Municipality's official website",
                'Press the "Contractor permit renewal" icon to open the application screen',
                "Enter the contractor number, the permit number and the permit year; if they are correct, the"
                " contractor's name is shown",
                "Enter the reason for renewal, a phone number and the verification code, then submit",
                "The request is reviewed and you receive a text message with the e-payment number for the renewal fee",
                "Once paid, the renewed permit is issued",
            ]
        ),
        "partners_ar": "إي فواتيركم: تحصيل رسوم التجديد برقم الدفع الالكتروني",
        "partners_en": "eFAWATEERcom: collects the renewal fee with the e-payment number",
        "notes_ar": "في حال عدم دفع رسوم التجديد خلال (7) سبعة أيام من الموافقة على الطلب، يتم الغاء الطلب.",
        "notes_en": "If the renewal fee is not paid within seven (7) days of the approval, the request is cancelled.",
        "documents": [
            {
                "name_ar": "تصريح المقاول",
                "name_en": "Contractor permit",
                "description_ar": "يتم ادخال رقم المقاول ورقم التصريح وسنة التصريح",
                "description_en": "The contractor number, permit number and permit year are entered",
                "issuer_ar": "أمانة عمان الكبرى",
                "issuer_en": "Greater Amman Municipality",
                "form": "electronic",
            },
        ],
    },
    {
        "slug": "profession-licence-splitting",
        "order": 4,
        "kind": "procedure",
        "name_ar": "تجزئة رخصة مهن",
        "name_en": "Profession licence splitting",
        "description_ar": (
            "تمكن هذه الخدمة من تجزئة رخصة مهن فعالة ومجددة لإضافة مهنة أو تغييرها في جزء من الموقع، مع"
            " الموافقات والكشف اللازمين ودفع الرسوم الكترونياً وصدور الرخصة."
        ),
        "description_en": (
            "Split an active, renewed profession licence to add or change a profession in part of the premises,"
            " with the approvals and inspection it needs, electronic payment of the fees and issue of the licence."
        ),
        "conditions_ar": "\n".join(
            [
                "ادخال رقم الرخصة المطلوب التجزئة منها على ان تكون فعاله و مجدده.",
                "ادخال الرقم المرجعي لسند ملكيه العقار.",
                "ادخال الرقم المرجعي لشهادة الترخيص الانشائي للمهن التي تتطلب ممارستها في الموقع ترخيصا إنشائياً.",
            ]
        ),
        "conditions_en": "\n".join(
            [
                "The number of the licence to split from, which must be active and renewed.",
                "The reference number of the property's title deed.",
                "The reference number of the construction licence certificate, for professions whose practice on"
                " the premises requires a construction licence.",
            ]
        ),
        "beneficiaries_ar": "الأفراد (المواطنين، المقيمين).\nقطاع الاعمال.\nالقطاع الحكومي.",
        "beneficiaries_en": "Individuals (citizens, residents).\nBusinesses.\nGovernment sector.",
        "channels_ar": _AMMAN_WEBSITE_AR,
        "channels_en": _AMMAN_WEBSITE_EN,
        "hours_ar": _ONLINE_HOURS_AR,
        "hours_en": _ONLINE_HOURS_EN,
        # The seed card writes "٣" (Arabic-Indic); the portal shows Western digits everywhere (core.digits), as the
        # other cards do ("10 دقائق", "3 - 5 أيام عمل"): one convention on the page that lists them together.
        "standard_time_ar": "3 أيام عمل",
        "standard_time_en": "3 working days",
        "standard_minutes": None,
        "standard_working_days": 3,
        "fees_ar": "الرسوم المطلوبة تبلغ برسالة نصية بعد الموافقة على الطلب",
        "fees_en": "The fees due are sent by text message once the request is approved",
        "payment_ar": "الكترونياً من خلال رقم الدفع الالكتروني (إي فواتيركم)",
        "payment_en": "Electronically with an e-payment number (eFAWATEERcom)",
        "outputs_ar": "رخصة المهن - الكتروني",
        "outputs_en": "The profession licence (electronic)",
        "steps_ar": "\n".join(
            [
                "الدخول الى موقع الأمانة الالكتروني www.amman.jo.",
                "اختيار الخدمات الالكترونية على الشاشة الرئيسية للموقع.",
                "اختيار نظام رخص المهن.",
                'الدخول إلى النظام من خلال اسم المستخدم وكلمة المرور و اختيار خدمة "اضافة و تغيير مهنة"',
                "تعبئة البيانات المطلوبة على شاشة تقديم الطلب.",
                "في حال كان مقدم الطلب مالك وكان هناك مطالبات مالية عليه (مسقفات، تحققات)، يتم اظهار اشعار على"
                " الشاشة بالقيم المالية المترتبة عليه وضرورة دفعها الكترونياً.",
                "بعد قبول الطلب، يتم استلام رسالة نصية برقم الطلب.",
                "في حال الحاجة الى موافقات خارجية، يتم استلام رسالة نصية بالموافقة الخارجية المطلوبة.",
                "في حال عدم موافقة الجهة الخارجية، يتم استلام رسالة نصية بعدم الموافقة على الطلب.",
                "استلام رسالة نصية بموعد الكشف.",
                "بعد تنفيذ الكشف وفي حال عدم مطابقة الشروط، يتم استلام رسالة نصية لتصويب الاوضاع.",
                "في حال عدم موافقة الدفاع المدني على الطلب، يتم استلام رسالة نصية تفيد بعدم موافقة الدفاع المدني.",
                "بعد الموافقة على الطلب، يتم استلام رسالة نصية بالرسوم المطلوبة.",
                "بعد اتمام عملية الدفع، يتم استلام رسالة نصية بصدور الرخصة.",
            ]
        ),
        "steps_en": "\n".join(
            [
                "Go to the municipality's website www.amman.jo.",
                "Choose e-services on the website's home page.",
                "Choose the profession licences system.",
                'Log in with your user name and password and choose the "Add / change profession" service',
                "Fill in the data the application screen asks for.",
                "If the applicant owns the property and owes the municipality (property tax, other dues), the"
                " amounts due are shown on screen and must be paid electronically.",
                "Once the request is accepted, you receive a text message with the request number.",
                "If external approvals are needed, you receive a text message naming the approval required.",
                "If the external body does not approve, you receive a text message that the request is refused.",
                "You receive a text message with the inspection appointment.",
                "After the inspection, if the conditions are not met, you receive a text message asking you to"
                " put things right.",
                "If the Civil Defence does not approve the request, you receive a text message saying so.",
                "Once the request is approved, you receive a text message with the fees due.",
                "Once paid, you receive a text message that the licence is issued.",
            ]
        ),
        "partners_ar": (
            "الجهات الخارجية المعنية: الموافقات الخارجية للمهن التي تتطلبها\nالدفاع المدني: الموافقة على الطلب"
        ),
        "partners_en": (
            "The external bodies concerned: external approvals for the professions that need them\n"
            "Civil Defence: approval of the request"
        ),
        "notes_ar": "",
        "notes_en": "",
        "documents": [
            {
                "name_ar": "رخصة المهن",
                "name_en": "Profession licence",
                "description_ar": "رقم الرخصة المطلوب التجزئة منها على ان تكون فعاله و مجدده",
                "description_en": "The number of the licence to split from (active and renewed)",
                "issuer_ar": "أمانة عمان الكبرى",
                "issuer_en": "Greater Amman Municipality",
                "form": "electronic",
            },
            {
                "name_ar": "سند ملكية العقار",
                "name_en": "Property title deed",
                "description_ar": "الرقم المرجعي لسند ملكيه العقار",
                "description_en": "The title deed's reference number",
                "issuer_ar": "دائرة الأراضي والمساحة",
                "issuer_en": "Department of Lands and Survey",
                "form": "electronic",
            },
            {
                "name_ar": "شهادة الترخيص الانشائي",
                "name_en": "Construction licence certificate",
                "description_ar": "الرقم المرجعي للشهادة، للمهن التي تتطلب ممارستها في الموقع ترخيصا إنشائياً",
                "description_en": "Its reference number, for professions that need a construction licence",
                "issuer_ar": "أمانة عمان الكبرى",
                "issuer_en": "Greater Amman Municipality",
                "form": "electronic",
            },
        ],
    },
]


def load_catalogue(service_model, document_model) -> int:
    """Create or update the catalogue's services by slug and replace their listed documents.

    Works with the historical models a data migration passes in: keys the model does not have yet
    (fields added by a later migration) are left out, so an early migration never breaks on a
    later field; the migration that adds the field loads the catalogue again.
    """
    service_fields = {f.name for f in service_model._meta.get_fields()}
    document_fields = {f.name for f in document_model._meta.get_fields()}
    for entry in CATALOGUE:
        entry = dict(entry)
        documents = entry.pop("documents", [])
        slug = entry.pop("slug")
        defaults = {key: value for key, value in entry.items() if key in service_fields}
        service, _ = service_model.objects.update_or_create(slug=slug, defaults=defaults)
        document_model.objects.filter(service=service).delete()
        for order, doc in enumerate(documents):
            document_model.objects.create(
                service=service, order=order, **{k: v for k, v in doc.items() if k in document_fields}
            )
    return len(CATALOGUE)

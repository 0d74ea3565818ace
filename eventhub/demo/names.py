"""People's names for `flask demo --attendees`, in the script of their city's country.

Each pool lists given names (f, m) and family names as space-separated tokens: "Local:latin"
where the script is not Latin (the latin part makes the e-mail address), else just the name;
"_" stands for a space inside a name, and "Masc/Fem" family names agree with the given name.
`order` says how the full name is written: "given family", "family given", or "familygiven"
(no space, as in Korean and Chinese).
"""
import random
import re

from eventhub.core.text import fold

POOLS = {
    "nordic": ("given family", "Åsa Ingrid Karin Märta Sofia Freja Ebba", "Björn Sven Lars Erik Mads Søren Anders",
               "Lindqvist Åberg Nyström Bergström Holm Sjöberg Jørgensen Nielsen Ekström Hansen"),
    "fi": ("given family", "Aino Päivi Sanna Liisa", "Mikko Juha Antti Jyrki",
           "Virtanen Mäkinen Korhonen Hämäläinen Nieminen Järvinen"),
    "de": ("given family", "Anna Katharina Ursula Lena Sabine Jutta", "Jürgen Matthias Stefan Tobias Klaus Günter",
           "Müller Schmidt Schneider Fischer Weiß Groß Köhler Schäfer Becker"),
    "nl": ("given family", "Anouk Sanne Femke Lotte Marieke", "Joost Pieter Bram Sander Wouter",
           "de_Vries van_den_Berg Jansen Bakker Visser de_Jong Peeters Claes"),
    "fr": ("given family", "Camille Hélène Chloé Léa Élodie Amélie", "François Étienne Jérôme Mathieu Thibault Aurélien",
           "Martin Bernard Dubois Lefèvre Moreau Girard Rousseau Fournier"),
    "it": ("given family", "Giulia Francesca Chiara Alessandra Federica", "Marco Luca Giuseppe Niccolò Andrea",
           "Rossi Russo Ferrari Esposito Bianchi Romano Colombo De_Luca"),
    "es": ("given family", "María_José Lucía Sofía Carmen Valentina Inés Begoña",
           "José Andrés Alejandro Javier Sebastián Iñaki",
           "García Rodríguez Martínez López Hernández González Pérez Sánchez Ramírez Muñoz Castañeda"),
    "pt": ("given family", "Ana Joana Beatriz Luísa Conceição Fernanda", "João Luís Gonçalo Rafael Tiago Sebastião",
           "Silva Santos Oliveira Souza Pereira Costa Ribeiro Gonçalves Araújo"),
    "pl": ("given family", "Łucja Małgorzata Zofia Katarzyna Agnieszka Joanna", "Wojciech Paweł Grzegorz Jakub Łukasz Tomasz",
           "Nowak Wójcik Kowalczyk Kamiński/Kamińska Lewandowski/Lewandowska Zieliński/Zielińska "
           "Wiśniewski/Wiśniewska Dąbrowski/Dąbrowska Mazur Zając"),
    "cs": ("given family", "Jana Tereza Lucie Kateřina Petra", "Jiří Petr Tomáš Martin Ondřej",
           "Novák/Nováková Svoboda/Svobodová Dvořák/Dvořáková Černý/Černá Procházka/Procházková"),
    "sl": ("given family", "Maja Nina Špela Ana", "Luka Matej Jure Žiga", "Novak Horvat Kovačič Krajnc Zupančič"),
    "tr": ("given family", "Ayşe Elif Zeynep Fatma Özlem", "Mehmet Mustafa Emre Burak Oğuz",
           "Yılmaz Kaya Demir Şahin Çelik Öztürk Aydın"),
    "ru": ("given family", "Мария:maria Анна:anna Елена:elena Ольга:olga Наталья:natalia Екатерина:ekaterina",
           "Алексей:alexey Дмитрий:dmitry Сергей:sergey Иван:ivan Михаил:mikhail Андрей:andrey",
           "Иванов/Иванова:ivanov/ivanova Смирнов/Смирнова:smirnov/smirnova Кузнецов/Кузнецова:kuznetsov/kuznetsova "
           "Попов/Попова:popov/popova Соколов/Соколова:sokolov/sokolova Лебедев/Лебедева:lebedev/lebedeva "
           "Новиков/Новикова:novikov/novikova Морозов/Морозова:morozov/morozova"),
    "uk": ("given family", "Оксана:oksana Олена:olena Ірина:iryna Наталія:nataliia Юлія:yuliia Тетяна:tetiana",
           "Олександр:oleksandr Андрій:andrii Сергій:serhii Богдан:bohdan Тарас:taras Дмитро:dmytro",
           "Шевченко:shevchenko Коваленко:kovalenko Бондаренко:bondarenko Ткаченко:tkachenko Кравченко:kravchenko "
           "Мельник:melnyk Бойко:boiko Ковальчук:kovalchuk Олійник:oliinyk"),
    "mn": ("given family", "Оюунчимэг:oyunchimeg Сарантуяа:sarantuya Номин:nomin Энхжаргал:enkhjargal",
           "Бат-Эрдэнэ:baterdene Ганбаатар:ganbaatar Төмөр:tumur Болд:bold",
           "Батбаяр:batbayar Ганболд:ganbold Очирбат:ochirbat Энхбаяр:enkhbayar Цэрэн:tseren"),
    "el": ("given family", "Μαρία:maria Ελένη:eleni Κατερίνα:katerina Σοφία:sofia Δήμητρα:dimitra Γεωργία:georgia",
           "Γιώργος:giorgos Νίκος:nikos Δημήτρης:dimitris Κώστας:kostas Γιάννης:giannis Αλέξανδρος:alexandros",
           "Παπαδόπουλος/Παπαδοπούλου:papadopoulos/papadopoulou Παπαδάκης/Παπαδάκη:papadakis/papadaki "
           "Γεωργίου:georgiou Οικονόμου:oikonomou Νικολάου:nikolaou Βασιλείου:vasileiou Μακρής/Μακρή:makris/makri"),
    "ar": ("given family", "فاطمة:fatma مريم:mariam نور:nour سارة:sara هدى:hoda ياسمين:yasmine ليلى:laila",
           "محمد:mohamed أحمد:ahmed عمر:omar يوسف:youssef كريم:karim خالد:khaled مصطفى:mostafa",
           "حسن:hassan إبراهيم:ibrahim عبد_الله:abdallah السيد:elsayed منصور:mansour العلوي:alaoui التازي:tazi"),
    "ur": ("given family", "عائشہ:ayesha فاطمہ:fatima زینب:zainab مریم:maryam صبا:saba",
           "علی:ali عمران:imran حسن:hassan بلال:bilal عثمان:usman",
           "خان:khan ملک:malik قریشی:qureshi شیخ:sheikh چوہدری:chaudhry"),
    "hi": ("given family", "प्रिया:priya अनीता:anita सुनीता:sunita पूजा:pooja कविता:kavita नेहा:neha",
           "राहुल:rahul अमित:amit विजय:vijay सुरेश:suresh अर्जुन:arjun राजेश:rajesh",
           "शर्मा:sharma वर्मा:verma पटेल:patel गुप्ता:gupta सिंह:singh जोशी:joshi राव:rao श्रेष्ठ:shrestha"),
    "bn": ("given family", "ফাতেমা:fatema নুসরাত:nusrat তাসলিমা:taslima শারমিন:sharmin",
           "রহিম:rahim তানভীর:tanvir আরিফ:arif সাকিব:sakib",
           "আহমেদ:ahmed হোসেন:hossain চৌধুরী:chowdhury রহমান:rahman ইসলাম:islam"),
    "th": ("given family", "สุดา:suda มาลี:malee นภา:napa ปราณี:pranee วิไล:wilai",
           "สมชาย:somchai สมศักดิ์:somsak วิชัย:wichai อนันต์:anan ธนา:thana",
           "ใจดี:jaidee ศรีสุข:srisuk วงศ์สวัสดิ์:wongsawat สุขสวัสดิ์:suksawat แสงทอง:saengthong"),
    "am": ("given family", "ሰላም:selam ሄለን:helen መሠረት:meseret ብርቱካን:birtukan",
           "አበበ:abebe ዳዊት:dawit ዮሐንስ:yohannes ግርማ:girma",
           "ተስፋዬ:tesfaye በቀለ:bekele ኃይሌ:haile ታደሰ:tadesse ወልደ_ማርያም:woldemariam"),
    "ja": ("family given", "花子:hanako 陽子:yoko 美咲:misaki 由美:yumi 恵:megumi さくら:sakura",
           "健一:kenichi 大輔:daisuke 翔太:shota 誠:makoto 浩:hiroshi 拓也:takuya",
           "佐藤:sato 鈴木:suzuki 高橋:takahashi 田中:tanaka 渡辺:watanabe 伊藤:ito 山本:yamamoto 中村:nakamura"),
    "ko": ("familygiven", "서연:seoyeon 지우:jiwoo 민지:minji 수빈:subin 예은:yeeun",
           "민준:minjun 도윤:doyun 현우:hyunwoo 지훈:jihoon 성민:sungmin",
           "김:kim 이:lee 박:park 최:choi 정:jung 강:kang 조:cho 윤:yoon"),
    "zh": ("familygiven", "静:jing 丽:li 敏:min 燕:yan 芳:fang 秀英:xiuying",
           "伟:wei 强:qiang 磊:lei 军:jun 洋:yang 志明:zhiming",
           "王:wang 李:li 张:zhang 刘:liu 陈:chen 杨:yang 赵:zhao 黄:huang"),
    "zh_tw": ("familygiven", "淑芬:shufen 雅婷:yating 怡君:yijun 美玲:meiling", "家豪:jiahao 俊傑:junjie 建宏:jianhong",
              "陳:chen 林:lin 黃:huang 張:chang 李:lee 吳:wu"),
    "vi": ("family given", "Thị_Lan Thu_Hà Ngọc_Anh Thị_Hương Minh_Thư", "Văn_Minh Quốc_Bảo Đức_Anh Hoàng_Nam Văn_Hùng",
           "Nguyễn Trần Lê Phạm Hoàng Vũ Đặng"),
    "id": ("given family", "Siti Dewi Putri Nur_Aisyah Rina", "Budi Agus Rizky Ahmad Hendra",
           "Santoso Wijaya Rahayu Hidayat Susanto Pratama Abdullah"),
    "ph": ("given family", "Maria_Luisa Kristine Jocelyn Angelica", "Jose Mark_Anthony Rodel Paolo",
           "Santos Reyes Cruz Bautista dela_Cruz Mendoza"),
    "sg": ("family given", "Wei_Ling Hui_Min Xin_Yi", "Wei_Jie Jun_Hao Kai_Wen", "Tan Lim Lee Ng Ong Goh"),
    "lk": ("given family", "Nimali Kumari Dilani", "Nimal Chaminda Ruwan", "Perera Fernando de_Silva Jayasinghe"),
    "bt": ("given family", "Pema Dechen Sonam", "Karma Tshering Ugyen", "Wangchuk Dorji Choden Lhamo"),
    "mv": ("given family", "Aishath Mariyam Fathimath", "Mohamed Ahmed Ibrahim", "Shareef Rasheed Naseem Waheed"),
    "km": ("given family", "Sokha Sreypov Channary", "Dara Vannak Rithy", "Chan Sok Heng Meas"),
    "lo": ("given family", "Khamla Noy Vanida", "Somphone Bounmy Khampheng", "Phommachanh Vongsa Sisavath"),
    "my": ("given family", "Thandar Su_Myat Khin_Mar", "Aung Zaw Min", "Kyaw Win Htun Oo"),
    "en": ("given family", "Sarah Emily Olivia Grace Hannah Jessica", "James Michael David Daniel Thomas Oliver",
           "Smith Johnson Brown Taylor Wilson O'Connor Campbell Williams Clarke"),
    "nz": ("given family", "Aroha Ngaire Emma Sarah", "Wiremu Tama James Liam", "Ngata Parata Walker Smith Tipene"),
    "pacific": ("given family", "Litia Mere Salote", "Josaia Samisoni Jone", "Nawaqa Tuilagi Vunibola Delai"),
    "east_africa": ("given family", "Wanjiru Achieng Nakato Uwase Neema", "Otieno Kamau Mugisha Baraka Juma Kiprono",
                    "Mwangi Odhiambo Kiptoo Nsengimana Ssemakula Mollel"),
    "west_africa": ("given family", "Ama Akosua Ngozi Chiamaka Aminata Fatou", "Kwame Kofi Chinedu Adebayo Moussa Ousmane",
                    "Mensah Boateng Okafor Adeyemi Diop Ndiaye Owusu"),
    "south_africa": ("given family", "Thandiwe Lerato Nomvula Anele Busisiwe", "Sipho Thabo Pieter Themba Lwazi",
                     "Nkosi Dlamini Mokoena van_der_Merwe Botha Ndlovu Khumalo"),
}

COUNTRY_POOLS = {
    "SE": "nordic", "DK": "nordic", "NO": "nordic", "FI": "fi", "DE": "de", "AT": "de", "CH": "de", "NL": "nl",
    "BE": "nl", "FR": "fr", "NC": "fr", "IT": "it", "PL": "pl", "CZ": "cs", "SI": "sl", "TR": "tr", "RU": "ru",
    "UA": "uk", "MN": "mn", "GR": "el", "EG": "ar", "MA": "ar", "TN": "ar", "PK": "ur", "IN": "hi", "NP": "hi",
    "BD": "bn", "TH": "th", "ET": "am", "JP": "ja", "KR": "ko", "CN": "zh", "TW": "zh_tw", "VN": "vi",
    "ID": "id", "MY": "id", "PH": "ph", "SG": "sg", "LK": "lk", "BT": "bt", "MV": "mv", "KH": "km",
    "LA": "lo", "MM": "my", "NZ": "nz", "FJ": "pacific", "SB": "pacific", "KE": "east_africa",
    "UG": "east_africa", "TZ": "east_africa", "RW": "east_africa", "GH": "west_africa", "NG": "west_africa",
    "SN": "west_africa", "ZA": "south_africa", "NA": "south_africa", "PT": "pt", "BR": "pt",
    **{code: "es" for code in ("ES", "MX", "CO", "PE", "EC", "AR", "UY", "CL", "CU", "CR")},
}


def _token(token: str) -> tuple[list[str], list[str]]:
    """("Local" forms, latin forms) of one token; Masc/Fem forms split on "/"."""
    local, _sep, latin = token.replace("_", " ").partition(":")
    return local.split("/"), (latin or local).split("/")


def pool_for(country: str | None) -> str:
    """The name pool of a country (English where none is listed)."""
    return COUNTRY_POOLS.get(country or "", "en")


def _email_part(latin: str) -> str:
    """A name as it may appear in an e-mail address: folded ASCII letters and digits."""
    return re.sub(r"[^a-z0-9]", "", fold(latin))


def person_name(rng: random.Random, country: str | None) -> tuple[str, str]:
    """(full name as written in the country, "given.family" for an e-mail address)."""
    order, women, men, families = POOLS[pool_for(country)]
    woman = rng.random() < 0.5
    given_local, given_latin = _token(rng.choice((women if woman else men).split()))
    family_local, family_latin = _token(rng.choice(families.split()))
    form = 1 if woman and len(family_local) > 1 else 0
    given, family = given_local[0], family_local[form]
    full_name = {"given family": f"{given} {family}", "family given": f"{family} {given}",
                 "familygiven": f"{family}{given}"}[order]
    return full_name, f"{_email_part(given_latin[0])}.{_email_part(family_latin[form])}"

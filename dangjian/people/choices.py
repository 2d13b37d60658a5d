from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class PoliticalStatus(models.TextChoices):
    """政治面貌, in the order a person moves through it."""

    MASSES = "masses", _("The masses")
    LEAGUE = "league", _("Communist Youth League member")
    APPLICANT = "applicant", _("Applicant for membership")
    ACTIVIST = "activist", _("Activist")
    TARGET = "target", _("Development target")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")


PARTY_MEMBER_STATUSES = {PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL}


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle school")
    VOCATIONAL = "vocational", _("Secondary vocational school")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTOR = "doctor", _("Doctorate")


class Ethnicity(models.TextChoices):
    """The 56 ethnic groups (GB 3304 codes)."""

    HAN = "01", pgettext_lazy("ethnicity", "Han")
    MONGOL = "02", pgettext_lazy("ethnicity", "Mongol")
    HUI = "03", pgettext_lazy("ethnicity", "Hui")
    TIBETAN = "04", pgettext_lazy("ethnicity", "Tibetan")
    UYGHUR = "05", pgettext_lazy("ethnicity", "Uyghur")
    MIAO = "06", pgettext_lazy("ethnicity", "Miao")
    YI = "07", pgettext_lazy("ethnicity", "Yi")
    ZHUANG = "08", pgettext_lazy("ethnicity", "Zhuang")
    BUYEI = "09", pgettext_lazy("ethnicity", "Buyei")
    KOREAN = "10", pgettext_lazy("ethnicity", "Korean")
    MANCHU = "11", pgettext_lazy("ethnicity", "Manchu")
    DONG = "12", pgettext_lazy("ethnicity", "Dong")
    YAO = "13", pgettext_lazy("ethnicity", "Yao")
    BAI = "14", pgettext_lazy("ethnicity", "Bai")
    TUJIA = "15", pgettext_lazy("ethnicity", "Tujia")
    HANI = "16", pgettext_lazy("ethnicity", "Hani")
    KAZAKH = "17", pgettext_lazy("ethnicity", "Kazakh")
    DAI = "18", pgettext_lazy("ethnicity", "Dai")
    LI = "19", pgettext_lazy("ethnicity", "Li")
    LISU = "20", pgettext_lazy("ethnicity", "Lisu")
    VA = "21", pgettext_lazy("ethnicity", "Va")
    SHE = "22", pgettext_lazy("ethnicity", "She")
    GAOSHAN = "23", pgettext_lazy("ethnicity", "Gaoshan")
    LAHU = "24", pgettext_lazy("ethnicity", "Lahu")
    SUI = "25", pgettext_lazy("ethnicity", "Sui")
    DONGXIANG = "26", pgettext_lazy("ethnicity", "Dongxiang")
    NAXI = "27", pgettext_lazy("ethnicity", "Naxi")
    JINGPO = "28", pgettext_lazy("ethnicity", "Jingpo")
    KYRGYZ = "29", pgettext_lazy("ethnicity", "Kyrgyz")
    TU = "30", pgettext_lazy("ethnicity", "Tu")
    DAUR = "31", pgettext_lazy("ethnicity", "Daur")
    MULAO = "32", pgettext_lazy("ethnicity", "Mulao")
    QIANG = "33", pgettext_lazy("ethnicity", "Qiang")
    BLANG = "34", pgettext_lazy("ethnicity", "Blang")
    SALAR = "35", pgettext_lazy("ethnicity", "Salar")
    MAONAN = "36", pgettext_lazy("ethnicity", "Maonan")
    GELAO = "37", pgettext_lazy("ethnicity", "Gelao")
    XIBE = "38", pgettext_lazy("ethnicity", "Xibe")
    ACHANG = "39", pgettext_lazy("ethnicity", "Achang")
    PUMI = "40", pgettext_lazy("ethnicity", "Pumi")
    TAJIK = "41", pgettext_lazy("ethnicity", "Tajik")
    NU = "42", pgettext_lazy("ethnicity", "Nu")
    UZBEK = "43", pgettext_lazy("ethnicity", "Uzbek")
    RUSSIAN = "44", pgettext_lazy("ethnicity", "Russian")
    EWENKI = "45", pgettext_lazy("ethnicity", "Ewenki")
    DEANG = "46", pgettext_lazy("ethnicity", "De'ang")
    BONAN = "47", pgettext_lazy("ethnicity", "Bonan")
    YUGUR = "48", pgettext_lazy("ethnicity", "Yugur")
    GIN = "49", pgettext_lazy("ethnicity", "Gin")
    TATAR = "50", pgettext_lazy("ethnicity", "Tatar")
    DERUNG = "51", pgettext_lazy("ethnicity", "Derung")
    OROQEN = "52", pgettext_lazy("ethnicity", "Oroqen")
    HEZHEN = "53", pgettext_lazy("ethnicity", "Hezhen")
    MONBA = "54", pgettext_lazy("ethnicity", "Monba")
    LHOBA = "55", pgettext_lazy("ethnicity", "Lhoba")
    JINO = "56", pgettext_lazy("ethnicity", "Jino")

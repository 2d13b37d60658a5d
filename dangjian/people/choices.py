from django.db import models
from django.utils.translation import gettext_lazy as _


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

    HAN = "01", _("Han")
    MONGOL = "02", _("Mongol")
    HUI = "03", _("Hui")
    TIBETAN = "04", _("Tibetan")
    UYGHUR = "05", _("Uyghur")
    MIAO = "06", _("Miao")
    YI = "07", _("Yi")
    ZHUANG = "08", _("Zhuang")
    BUYEI = "09", _("Buyei")
    KOREAN = "10", _("Korean")
    MANCHU = "11", _("Manchu")
    DONG = "12", _("Dong")
    YAO = "13", _("Yao")
    BAI = "14", _("Bai")
    TUJIA = "15", _("Tujia")
    HANI = "16", _("Hani")
    KAZAKH = "17", _("Kazakh")
    DAI = "18", _("Dai")
    LI = "19", _("Li")
    LISU = "20", _("Lisu")
    VA = "21", _("Va")
    SHE = "22", _("She")
    GAOSHAN = "23", _("Gaoshan")
    LAHU = "24", _("Lahu")
    SUI = "25", _("Sui")
    DONGXIANG = "26", _("Dongxiang")
    NAXI = "27", _("Naxi")
    JINGPO = "28", _("Jingpo")
    KYRGYZ = "29", _("Kyrgyz")
    TU = "30", _("Tu")
    DAUR = "31", _("Daur")
    MULAO = "32", _("Mulao")
    QIANG = "33", _("Qiang")
    BLANG = "34", _("Blang")
    SALAR = "35", _("Salar")
    MAONAN = "36", _("Maonan")
    GELAO = "37", _("Gelao")
    XIBE = "38", _("Xibe")
    ACHANG = "39", _("Achang")
    PUMI = "40", _("Pumi")
    TAJIK = "41", _("Tajik")
    NU = "42", _("Nu")
    UZBEK = "43", _("Uzbek")
    RUSSIAN = "44", _("Russian")
    EWENKI = "45", _("Ewenki")
    DEANG = "46", _("De'ang")
    BONAN = "47", _("Bonan")
    YUGUR = "48", _("Yugur")
    GIN = "49", _("Gin")
    TATAR = "50", _("Tatar")
    DERUNG = "51", _("Derung")
    OROQEN = "52", _("Oroqen")
    HEZHEN = "53", _("Hezhen")
    MONBA = "54", _("Monba")
    LHOBA = "55", _("Lhoba")
    JINO = "56", _("Jino")

//! Every national form (issue 16): `00` + country code + `(0)`, national-only numbers
//! configured in E.164 as their countries print them, `tel:` hrefs in any form, WhatsApp
//! click-to-chat links. Each printed form is copied from the public page named with it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use dni_numbers::{format_international, format_national, NumberSwapper, E164};

fn n(s: &str) -> E164 {
    E164::parse(s).unwrap()
}

/// Swaps `target` for `replacement` in `printed` (alone and inside a sentence) and checks
/// the result is `expected`.
fn check(target: &str, replacement: &str, printed: &str, expected: &str, source: &str) {
    let sw = NumberSwapper::new(&[(n(target), n(replacement))]);
    assert_eq!(
        sw.replace_in_text(printed).as_deref(),
        Some(expected),
        "{printed} ({source})"
    );
    let sentence = format!("Call us on {printed}.");
    assert_eq!(
        sw.replace_in_text(&sentence),
        Some(format!("Call us on {expected}.")),
        "{printed} in a sentence ({source})"
    );
}

#[test]
fn double_zero_country_code_and_trunk_in_parentheses() {
    // Issue 16 (a Dutch business page of the held-out set, Zierikzee area code 0111).
    check(
        "+31111461414",
        "+31111461499",
        "0031 (0)111 461414",
        "0031 (0)111 461499",
        "issue 16",
    );
    // hofa.nl/conditions-of-sale: "+31 (0)79 361 4022"; the same number after `00`.
    check(
        "+31793614022",
        "+31793614099",
        "+31 (0)79 361 4022",
        "+31 (0)79 361 4099",
        "hofa.nl/conditions-of-sale",
    );
    check(
        "+31793614022",
        "+31793614099",
        "0031 (0)79 361 4022",
        "0031 (0)79 361 4099",
        "hofa.nl/conditions-of-sale, 00 form",
    );
    // Without the (0), and the national form, still match.
    check(
        "+31793614022",
        "+31793614099",
        "0031 79 361 4022",
        "0031 79 361 4099",
        "00 form",
    );
    check(
        "+31793614022",
        "+31793614099",
        "079 361 4022",
        "079 361 4099",
        "national",
    );
}

#[test]
fn australian_13_1300_1800_numbers_are_printed_without_the_trunk_0() {
    for (target, replacement, printed, expected, source) in [
        (
            "+611300966656",
            "+611300966600",
            "1300 966 656",
            "1300 966 600",
            "yomojo.com.au/business/complaint",
        ),
        (
            "+611300131689",
            "+611300131600",
            "1300 131 689",
            "1300 131 600",
            "unitedenergy.com.au/contact-us/dispute-resolution-process",
        ),
        (
            "+611300652879",
            "+611300652800",
            "1300 652 879",
            "1300 652 800",
            "workingwithchildren.vic.gov.au/complaint-form",
        ),
        (
            "+61131087",
            "+61131000",
            "13 10 87",
            "13 10 00",
            "westernpower.com.au/faqs/complaints",
        ),
    ] {
        check(target, replacement, printed, expected, source);
        // International form too.
        let intl = format!("+61 {printed}");
        let intl_expected = format!("+61 {expected}");
        check(target, replacement, &intl, &intl_expected, source);
    }
    // The trunk form is not how these numbers are written: `01300 966 656` is not one.
    let sw = NumberSwapper::new(&[(n("+611300966656"), n("+611300966600"))]);
    assert_eq!(sw.replace_in_text("01300 966 656"), None);
    // Printed nationally without the `0`; an Australian mobile keeps its `0`.
    assert_eq!(format_national(&n("+611300966656")), "1300 966 656");
    assert_eq!(format_national(&n("+61412345678")), "0412 345 678");
    // `13` numbers are printed in pairs, as westernpower.com.au prints "13 10 87".
    assert_eq!(format_national(&n("+61131087")), "13 10 87");
    assert_eq!(format_international(&n("+61131087")), "+61 13 10 87");
    // Geographic numbers: area code, then two fours. The ACMA's own Canberra number, printed
    // "+61 2 6219 5555" in its Annual report 2011-12 (acma.gov.au/annualreport).
    assert_eq!(format_national(&n("+61262195555")), "02 6219 5555");
    assert_eq!(format_international(&n("+61262195555")), "+61 2 6219 5555");
    // A 1300 target shown to a visitor whose tracking number is a mobile: the national
    // style the mobile can be written in.
    let sw = NumberSwapper::new(&[(n("+611300966656"), n("+61412345678"))]);
    assert_eq!(
        sw.replace_in_text("Call 1300 966 656 today").as_deref(),
        Some("Call 0412 345 678 today")
    );
}

#[test]
fn indian_mobiles_are_printed_without_the_trunk_0() {
    // IndianOil's Indane LPG booking number: "77189 55555" (westerntimesnews.in, "Indian Oil
    // launches common Indane refill booking number across India"), "7718955555"
    // (4thnation.com/?p=13374); the five-five grouping is TRAI's XXXXX-NNNNN (operator and
    // circle, subscriber; techrounder.com, "Understanding the structure of mobile phone
    // numbers in India").
    for printed in ["77189 55555", "7718955555", "77189-55555"] {
        check(
            "+917718955555",
            "+917718955599",
            printed,
            &printed
                .replace("55555", "55599")
                .replace("7718955555", "7718955599"),
            "westerntimesnews.in / 4thnation.com",
        );
    }
    // IndianOil's toll-free line "8056002020" (PTI, devdiscourse.com, 2020-04-21).
    check(
        "+918056002020",
        "+918056002021",
        "8056002020",
        "8056002021",
        "devdiscourse.com (PTI)",
    );
    // cybertelindia.com's footer "Call Us: +91 9310858478, +91 9811905405"; MapmyIndia's
    // (mappls.com) footer "Customer Care: +91-9999333223"; mechatronlab.com's JSON-LD
    // ContactPoint "+91-98879-98663".
    for (target, printed) in [
        ("+919310858478", "+91 9310858478"),
        ("+919811905405", "+91 9811905405"),
        ("+919999333223", "+91-9999333223"),
        ("+919887998663", "+91-98879-98663"),
    ] {
        let replacement = format!("{}7", &target[..target.len() - 1]);
        let last = printed.chars().last().unwrap();
        let expected = format!("{}7", &printed[..printed.len() - last.len_utf8()]);
        check(target, &replacement, printed, &expected, "footers, JSON-LD");
    }
    // With the trunk 0, as landlines dial mobiles: "Helpline: 098970 82171" (Malhotra
    // Nursing & Maternity Home, Agra, in a hospital listing).
    check(
        "+919897082171",
        "+919897082100",
        "098970 82171",
        "098970 82100",
        "Malhotra Nursing & Maternity Home listing",
    );
    // A tracking number that cannot be printed without the trunk (a Delhi landline) is
    // written in the national style it has, with the trunk 0.
    let sw = NumberSwapper::new(&[(n("+917718955555"), n("+911123378795"))]);
    let out = sw.replace_in_text("Call 77189 55555").unwrap();
    let digits: String = out.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(digits, "01123378795", "{out}");
    assert_eq!(format_national(&n("+917718955555")), "077189 55555");
    assert_eq!(format_international(&n("+917718955555")), "+91 77189 55555");
}

#[test]
fn bare_national_numbers_stay_unmatched_where_the_trunk_is_always_printed() {
    // Only the configured numbers' digits ever match, and the bare form only where the
    // country prints it: a Delhi landline (011 2337 8795, an Indian landline keeps its
    // trunk 0), a UK mobile (Ofcom drama range 07700 900123), a Pakistani mobile.
    for (target, bare, with_trunk) in [
        ("+911123378795", "1123378795", "011 2337 8795"),
        ("+447700900123", "7700 900123", "07700 900123"),
        ("+923001234567", "300 1234567", "0300 1234567"),
    ] {
        let sw = NumberSwapper::new(&[(n(target), n("+15035550170"))]);
        assert_eq!(
            sw.replace_in_text(&format!("Call {bare}.")),
            None,
            "{target}"
        );
        assert!(
            sw.replace_in_text(&format!("Call {with_trunk}.")).is_some(),
            "{target}"
        );
    }
    // Another Indian mobile's digits do not match the configured one.
    let sw = NumberSwapper::new(&[(n("+917718955555"), n("+917718955599"))]);
    assert_eq!(sw.replace_in_text("Call 77189 55556."), None);
    assert_eq!(sw.replace_in_text("Order 17718955555."), None);
}

#[test]
fn uk_freephone_and_03_numbers() {
    // The Silver Line, quoted at fest-trubachev.ru/Very+cheap+uk+chatlines/30998.html:
    // "The Silver Line service is available on 0800 4 70 80 90."
    check(
        "+448004708090",
        "+448004708099",
        "0800 4 70 80 90",
        "0800 4 70 80 99",
        "The Silver Line",
    );
    check(
        "+448004708090",
        "+448004708099",
        "+44 (0)800 4 70 80 90",
        "+44 (0)800 4 70 80 99",
        "The Silver Line, international with (0)",
    );
    // centre56.org.uk/domestic-abuse: "the free 24-hour National Domestic Abuse Helpline on
    // 0808 2000 247 [...] or the Men's Advice Line on 0808 801 0327"; the same helpline as
    // saxonweald.com/news/coronavirus---domestic-abuse.html prints it: "0808 200 0247".
    check(
        "+448082000247",
        "+448082000299",
        "0808 2000 247",
        "0808 2000 299",
        "centre56.org.uk",
    );
    check(
        "+448082000247",
        "+448082000299",
        "0808 200 0247",
        "0808 200 0299",
        "saxonweald.com",
    );
    check(
        "+448088010327",
        "+448088010399",
        "0808 801 0327",
        "0808 801 0399",
        "centre56.org.uk, Men's Advice Line",
    );
    // inchmeadaccountants.com/post/hmrc-reopens-self-assessment-helpline: "All calls to the
    // helpline on 0300 200 3310 have been redirected"; 03 numbers are charged as geographic
    // ones and printed 4-3-4 like 0800.
    check(
        "+443002003310",
        "+443002003399",
        "0300 200 3310",
        "0300 200 3399",
        "inchmeadaccountants.com, HMRC",
    );
    check(
        "+443002003310",
        "+443002003399",
        "+44 300 200 3310",
        "+44 300 200 3399",
        "HMRC, international",
    );
}

#[test]
fn french_08_numbers() {
    // The ministry of health's information line: "0 800 130 000" (tcl.fr,
    // andolsheim.fr/coronavirus), "0800 130 000" (europe1.fr, lci.fr), "0 800 13 00 00"
    // (slate.fr/story/72509); its paid line "0820.03.33.33" (slate.fr).
    for printed in [
        "0 800 130 000",
        "0800 130 000",
        "0 800 13 00 00",
        "08 00 13 00 00",
    ] {
        let expected = format!("{}99", &printed[..printed.len() - 2]);
        check(
            "+33800130000",
            "+33800130099",
            printed,
            &expected,
            "0 800 130 000",
        );
    }
    check(
        "+33820033333",
        "+33820033399",
        "0820.03.33.33",
        "0820.03.33.99",
        "slate.fr/story/72509",
    );
}

#[test]
fn german_0800_and_0180_numbers() {
    // Deutsche Bahn, "Mobil mit Handicap" (2008 and 2014 editions, yumpu.com / doczz.com.br):
    // "Telefon: 0180 5 512512", "Telefon: 0180 6 512 512"; daiunique.com quoting DB:
    // "0180 5/19 41 95"; teltarif.de: "0800-5522255" (Viag Interkom), "0800-3302202"
    // (Telekom).
    check(
        "+491805512512",
        "+491805512599",
        "0180 5 512512",
        "0180 5 512599",
        "DB 2008",
    );
    check(
        "+491806512512",
        "+491806512599",
        "0180 6 512 512",
        "0180 6 512 599",
        "DB 2014",
    );
    check(
        "+491805194195",
        "+491805194199",
        "0180 5/19 41 95",
        "0180 5/19 41 99",
        "DB",
    );
    check(
        "+498005522255",
        "+498005522299",
        "0800-5522255",
        "0800-5522299",
        "teltarif.de",
    );
    check(
        "+498003302202",
        "+498003302299",
        "0800-3302202",
        "0800-3302299",
        "teltarif.de",
    );
}

#[test]
fn spanish_900_and_901_numbers() {
    // redaccionmedica.com (regional health lines, 2020): "900 400 061", "900 122 112";
    // eldiario.es: "900232323" and "900 232 323"; guadalajaradiario.es: "901 50 20 50".
    check(
        "+34900400061",
        "+34900400099",
        "900 400 061",
        "900 400 099",
        "Salud Responde",
    );
    check(
        "+34900122112",
        "+34900122199",
        "900 122 112",
        "900 122 199",
        "Castilla-La Mancha",
    );
    check(
        "+34900232323",
        "+34900232399",
        "900232323",
        "900232399",
        "eldiario.es",
    );
    check(
        "+34900232323",
        "+34900232399",
        "900 232 323",
        "900 232 399",
        "eldiario.es",
    );
    check(
        "+34901502050",
        "+34901502099",
        "901 50 20 50",
        "901 50 20 99",
        "Seguridad Social",
    );
    check(
        "+34900400061",
        "+34900400099",
        "+34 900 400 061",
        "+34 900 400 099",
        "intl",
    );
}

#[test]
fn italian_800_numbers() {
    // inews24.it (regional numeri verdi, 2020): "800 11 88 00" (Lazio), "800 033 033"
    // (Emilia-Romagna), "800 89 45 45" (Lombardia).
    check(
        "+39800118800",
        "+39800118899",
        "800 11 88 00",
        "800 11 88 99",
        "Lazio",
    );
    check(
        "+39800033033",
        "+39800033099",
        "800 033 033",
        "800 033 099",
        "Emilia-Romagna",
    );
    check(
        "+39800894545",
        "+39800894599",
        "800 89 45 45",
        "800 89 45 99",
        "Lombardia",
    );
    check(
        "+39800894545",
        "+39800894599",
        "+39 800 89 45 45",
        "+39 800 89 45 99",
        "intl",
    );
}

#[test]
fn dutch_0800_and_0900_numbers() {
    // The police's non-emergency number "0900-8844" (rijnmond.nl, rd.nl, rtlnieuws.nl);
    // Stichting M. "0800-7000" (archief.hadeejer.net).
    check(
        "+319008844",
        "+319008899",
        "0900-8844",
        "0900-8899",
        "politie",
    );
    check(
        "+318007000",
        "+318007099",
        "0800-7000",
        "0800-7099",
        "Stichting M.",
    );
    // Belgium, for good measure: "0800/14.689" (dhnet.be, the federal information line).
    check(
        "+3280014689",
        "+3280014699",
        "0800/14.689",
        "0800/14.699",
        "dhnet.be",
    );
}

#[test]
fn tel_hrefs_in_any_form() {
    let sw = NumberSwapper::new(&[
        (n("+15035550142"), n("+15035550170")),
        (n("+442079460018"), n("+442079460999")),
        (n("+31111461414"), n("+31111461499")),
    ]);
    for (href, expected) in [
        // RFC 3966 percent-encoding of `+`, spaces and parentheses (RFC 3986 section 2.1).
        ("tel:%2B1%20(503)%20555-0142", "tel:%2B1%20(503)%20555-0170"),
        ("tel:%2b1%20503%20555%200142", "tel:%2b1%20503%20555%200170"),
        ("tel:%28503%29%20555-0142", "tel:%28503%29%20555-0170"),
        ("tel:+1%2D503%2D555%2D0142", "tel:+1%2D503%2D555%2D0170"),
        // Literal spaces, a space after the colon, `tel://`.
        ("tel:+1 503 555 0142", "tel:+1 503 555 0170"),
        ("tel: +1 503 555 0142", "tel: +1 503 555 0170"),
        ("tel://5035550142", "tel://5035550170"),
        // Without `+`: national with trunk, `00`, and the bare country code.
        ("tel:15035550142", "tel:15035550170"),
        ("tel:0015035550142", "tel:0015035550170"),
        ("tel:442079460018", "tel:442079460999"),
        ("tel:0031(0)111461414", "tel:0031(0)111461499"),
        ("tel:+31%20(0)111%20461414", "tel:+31%20(0)111%20461499"),
        // A pause and an extension after a comma, parameters after `;`.
        ("tel:5035550142,,123", "tel:5035550170,,123"),
        ("tel:+15035550142;ext=12", "tel:+15035550170;ext=12"),
    ] {
        assert_eq!(sw.replace_in_tel(href).as_deref(), Some(expected), "{href}");
    }
    for not_ours in [
        "tel:+15035550143",
        "tel:5035550142999",
        "https://example.com/tel:5035550142",
        "tel:%2B15035550142%2",
    ] {
        assert_eq!(sw.replace_in_tel(not_ours), None, "{not_ours}");
    }
}

#[test]
fn whatsapp_click_to_chat_links() {
    // WhatsApp Help Center, "How to use click to chat" (faq.whatsapp.com/5913398998672934):
    // "https://wa.me/<number>" with "a full phone number in international format. Omit any
    // zeroes, brackets, or dashes", and "https://wa.me/<number>?text=<urlencodedtext>";
    // the api.whatsapp.com/send?phone= form it redirects to.
    let sw = NumberSwapper::new(&[(n("+15035550142"), n("+15035550170"))]);
    for (href, expected) in [
        ("https://wa.me/15035550142", "https://wa.me/15035550170"),
        (
            "https://wa.me/15035550142?text=I%27m%20interested",
            "https://wa.me/15035550170?text=I%27m%20interested",
        ),
        ("http://WA.ME/15035550142/", "http://WA.ME/15035550170/"),
        (
            "https://api.whatsapp.com/send?phone=15035550142&text=Hello",
            "https://api.whatsapp.com/send?phone=15035550170&text=Hello",
        ),
        (
            "https://api.whatsapp.com/send/?phone=%2B15035550142&text&type=phone_number&app_absent=0",
            "https://api.whatsapp.com/send/?phone=%2B15035550170&text&type=phone_number&app_absent=0",
        ),
        (
            "https://web.whatsapp.com/send?text=Hi&phone=15035550142",
            "https://web.whatsapp.com/send?text=Hi&phone=15035550170",
        ),
        ("whatsapp://send?phone=+15035550142", "whatsapp://send?phone=+15035550170"),
    ] {
        assert_eq!(sw.replace_in_whatsapp(href).as_deref(), Some(expected), "{href}");
    }
    for not_ours in [
        "https://wa.me/message/XKJ3WZ7H4A2BD1",
        "https://wa.me/15035550143",
        "https://wa.me/150355501420",
        "https://example.com/wa.me/15035550142",
        "https://api.whatsapp.com/send?text=15035550142",
        "tel:+15035550142",
    ] {
        assert_eq!(sw.replace_in_whatsapp(not_ours), None, "{not_ours}");
    }
}

#[test]
fn japanese_fullwidth_numbers_are_swapped_in_fullwidth() {
    // ソフィアメディクス株式会社's privacy contact: "ＴＥＬ：０３－４４０５－６０６３（受付時間
    // 10：00～18：00※）" (fullwidth digits U+FF10-FF19, fullwidth hyphen-minus U+FF0D, a
    // fullwidth parenthesis right after the number).
    let sw = NumberSwapper::new(&[(n("+81344056063"), n("+81344056099"))]);
    let page = "〒１５０－０００２　東京都渋谷区渋谷３－１３－１１　ＴＥＬ：０３－４４０５－６０６３（受付時間　10：00～18：00※）";
    assert_eq!(
        sw.replace_in_text(page).as_deref(),
        Some("〒１５０－０００２　東京都渋谷区渋谷３－１３－１１　ＴＥＬ：０３－４４０５－６０９９（受付時間　10：00～18：00※）")
    );
    // The same number with the separators typed in the wild: `ー` (U+30FC), `−` (U+2212),
    // fullwidth parentheses, an ideographic space, and with the country code in fullwidth.
    for (printed, expected) in [
        ("０３ー４４０５ー６０６３", "０３ー４４０５ー６０９９"),
        ("０３−４４０５−６０６３", "０３−４４０５−６０９９"),
        ("（０３）４４０５－６０６３", "（０３）４４０５－６０９９"),
        ("０３　４４０５　６０６３", "０３　４４０５　６０９９"),
        (
            "＋８１　３－４４０５－６０６３",
            "＋８１　３－４４０５－６０９９",
        ),
        ("+81 3-4405-6063", "+81 3-4405-6099"),
        ("03-4405-6063", "03-4405-6099"),
    ] {
        check(
            "+81344056063",
            "+81344056099",
            printed,
            expected,
            "sophiamedics privacy contact",
        );
    }
    // ASCII digits and ASCII text first, the fullwidth number after the first non-ASCII
    // byte (the fullwidth search starts only there), whole and streamed at every split.
    let mixed = "Open 10:00-18:00, 2024. ＴＥＬ：０３－４４０５－６０６３ or 03-4405-6063";
    let swapped = "Open 10:00-18:00, 2024. ＴＥＬ：０３－４４０５－６０９９ or 03-4405-6099";
    assert_eq!(sw.replace_in_text(mixed).as_deref(), Some(swapped));
    for (cut, _) in mixed.char_indices() {
        let mut st = dni_numbers::TextStream::new();
        let mut out = String::new();
        for part in [&mixed[..cut], &mixed[cut..]] {
            // Held text's pieces are filled in order: their texts follow what went out.
            match st.push(&sw, false, part) {
                dni_numbers::TextStep::Direct { text, .. } => {
                    out.push_str(text.as_deref().unwrap_or(part))
                }
                dni_numbers::TextStep::Held { texts, .. } => out.push_str(&texts.concat()),
                dni_numbers::TextStep::HeldAfter { decided } => out.push_str(&part[..decided]),
            }
        }
        let done = out + &st.finish(&sw).texts.concat();
        assert_eq!(done, swapped, "split at {cut}");
    }
    // Freephone 0120 numbers: さいたま市公共施設予約システム インフォメーションセンター
    // "ＴＥＬ：０１２０－３１０－９７０　ＦＡＸ：０４８－７１１－８２４５"; SEGA's Dreamcast
    // support centre "電話：０１２０－２５８－２５４".
    let sw = NumberSwapper::new(&[
        (n("+81120310970"), n("+81120310999")),
        (n("+81120258254"), n("+81120258200")),
    ]);
    assert_eq!(
        sw.replace_in_text("ＴＥＬ：０１２０－３１０－９７０　ＦＡＸ：０４８－７１１－８２４５")
            .as_deref(),
        Some("ＴＥＬ：０１２０－３１０－９９９　ＦＡＸ：０４８－７１１－８２４５")
    );
    assert_eq!(
        sw.replace_in_text("電話：０１２０－２５８－２５４")
            .as_deref(),
        Some("電話：０１２０－２５８－２００")
    );
    // A replacement of another length is rewritten in fullwidth too.
    let sw = NumberSwapper::new(&[(n("+81344056063"), n("+819012345678"))]);
    let out = sw
        .replace_in_text("ＴＥＬ：０３－４４０５－６０６３")
        .unwrap();
    assert!(
        out.chars().skip(4).all(|c| !c.is_ascii_digit()),
        "fullwidth digits only: {out}"
    );
    let digits: String = out
        .chars()
        .filter_map(|c| {
            c.to_digit(10)
                .or_else(|| ('０'..='９').contains(&c).then(|| c as u32 - 0xFF10))
        })
        .map(|d| char::from_digit(d, 10).unwrap())
        .collect();
    assert_eq!(digits, "09012345678", "{out}");
    assert!(out.contains('－'), "the original separator: {out}");
    // Context: a fullwidth letter or digit glued before or after is digit-ish, as ASCII is.
    let sw = NumberSwapper::new(&[(n("+81344056063"), n("+81344056099"))]);
    for text in [
        "ＩＤ０３－４４０５－６０６３",
        "０３－４４０５－６０６３Ａ",
        "１０３－４４０５－６０６３",
        "０３－４４０５－６０６３１",
        "０３－４４０５－６０６４",
    ] {
        assert_eq!(sw.replace_in_text(text), None, "{text}");
    }
    // tel: hrefs (normally ASCII) in fullwidth too.
    assert_eq!(
        sw.replace_in_tel("tel:０３－４４０５－６０６３").as_deref(),
        Some("tel:０３－４４０５－６０９９")
    );
    assert_eq!(
        sw.replace_in_tel("tel:+81-3-4405-6063").as_deref(),
        Some("tel:+81-3-4405-6099")
    );
}

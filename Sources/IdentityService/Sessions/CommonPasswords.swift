/// Passwords that guessers try first, refused as new passwords.
///
/// Three checks together cover far more than the lists hold: the exact phrases below; a common
/// word or keyboard walk dressed up with digits and symbols at either end, letters swapped for
/// look-alike digits (`P@ssw0rd2024!`) or repeated (`senhasenha12`); and one repeated character or
/// a run of consecutive digits. Passwords shorter than the minimum length are refused before, so
/// the lists need not hold the many short ones.
enum CommonPasswords {
    /// Whether `password` (already in lower case) is one that guessers try first.
    static func isCommon(_ password: String) -> Bool {
        if phrases.contains(password) { return true }
        if isRepetitionOrRun(password) { return true }

        let core = String(undecorated(password))
        if core.isEmpty { return false }
        if isRepetitionOrRun(core) { return true }
        let plain = String(core.map { lookAlikes[$0] ?? $0 })
        let joined = plain.filter { !" -_.".contains($0) }
        for candidate in [core, plain, joined] {
            if words.contains(candidate) || phrases.contains(candidate) { return true }
            if isRepeatedWord(candidate) { return true }
        }
        return false
    }

    /// `password` without the digits and symbols at either end, where people add them to meet a rule.
    private static func undecorated(_ password: String) -> Substring {
        let isDecoration: (Character) -> Bool = { $0.isNumber || ($0.isASCII && !$0.isLetter) }
        var core = Substring(password)
        while let last = core.last, isDecoration(last) { core = core.dropLast() }
        while let first = core.first, isDecoration(first) { core = core.dropFirst() }
        return core
    }

    /// Whether `text` is one character repeated, or a run of digits going up or down by one.
    private static func isRepetitionOrRun(_ text: some StringProtocol) -> Bool {
        let characters = Array(text)
        guard characters.count > 1 else { return false }
        if Set(characters).count == 1 { return true }
        let digits = characters.compactMap(\.wholeNumberValue)
        guard digits.count == characters.count else { return false }
        let steps = zip(digits, digits.dropFirst()).map { ($1 - $0 + 10) % 10 }
        return steps.allSatisfy { $0 == 1 } || steps.allSatisfy { $0 == 9 }
    }

    /// Whether `text` is a common word written two or more times (`senhasenha`).
    private static func isRepeatedWord(_ text: String) -> Bool {
        let characters = Array(text)
        for length in stride(from: 3, through: characters.count / 2, by: 1) where characters.count % length == 0 {
            let unit = String(characters[0..<length])
            if words.contains(unit), String(repeating: unit, count: characters.count / length) == text {
                return true
            }
        }
        return false
    }

    /// Digits and symbols people write for letters.
    private static let lookAlikes: [Character: Character] = [
        "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "!": "i",
    ]

    /// Common words, names and keyboard walks, which are refused however they are dressed.
    static let words: Set<String> = [
        "password", "passwort", "passwd", "senha", "senhas", "minhasenha", "novasenha", "mudarsenha", "trocarsenha",
        "qwerty", "qwertyui", "qwertyuiop", "qwertyuiopasdfghjkl", "asdf", "asdfgh", "asdfghjk", "asdfghjkl",
        "zxcvbn", "zxcvbnm", "qazwsx", "qazwsxedc", "qazwsxedcrfv", "wsxedc", "qweasd", "qweasdzxc", "zaq1xsw2",
        "1qaz2wsx", "1qaz2wsx3edc", "zaq12wsx", "azerty", "qwertz", "abc", "abcd", "abcde", "abcdef", "abcdefg",
        "abcdefgh", "abcdefghij", "abcdefghijkl", "abcabc", "aaa", "xyz", "iloveyou", "iloveu", "loveyou", "love",
        "lover", "loveme", "admin", "administrator", "administrador", "root", "toor", "superuser", "sysadmin",
        "welcome", "welcomeback", "bemvindo", "bemvinda", "letmein", "letmeinnow", "openup", "opensesame",
        "monkey", "dragon", "dragons", "football", "baseball", "basketball", "soccer", "hockey", "futebol",
        "sunshine", "princess", "princesa", "master", "mestre", "shadow", "superman", "batman", "spiderman",
        "ironman", "starwars", "pokemon", "naruto", "trustno", "whatever", "freedom", "liberdade", "michael",
        "jennifer", "jordan", "hunter", "ranger", "buster", "charlie", "thomas", "robert", "daniel", "andrew",
        "joshua", "matthew", "jessica", "ashley", "amanda", "maria", "mariana", "joao", "jose", "pedro", "lucas",
        "gabriel", "rafael", "ana", "juliana", "fernanda", "patricia", "computer", "computador", "internet",
        "secret", "segredo", "changeme", "default", "padrao", "guest", "visitante", "user", "usuario", "login",
        "logon", "test", "teste", "testing", "testando", "demo", "sample", "example", "flamengo", "corinthians",
        "palmeiras", "saopaulo", "santos", "vasco", "gremio", "cruzeiro", "fluminense", "botafogo", "internacional",
        "atletico", "brasil", "brazil", "amor", "meuamor", "teamo", "euteamo", "deus", "deusefiel", "jesus",
        "jesuscristo", "familia", "felicidade", "saudade", "suporte", "support", "helpdesk", "empresa", "company",
        "acesso", "access", "sistema", "system", "service", "servico", "boleta", "boletas", "cliente", "clientes",
        "financeiro", "gerente", "manager", "office", "escritorio", "trabalho", "work", "summer", "winter",
        "spring", "autumn", "verao", "inverno", "primavera", "outono", "janeiro", "fevereiro", "marco", "abril",
        "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro", "january", "february",
        "march", "april", "june", "july", "august", "september", "october", "november", "december", "monday",
        "friday", "sunday", "hello", "helloworld", "ola", "oimundo", "olamundo", "killer", "cheese", "cookie",
        "chocolate", "banana", "orange", "apple", "pepper", "ginger", "tigger", "flower", "flores", "angel",
        "anjo", "baby", "bebe", "nicole", "jasmine", "purple", "yellow", "silver", "golden", "diamond", "matrix",
        "mustang", "ferrari", "porsche", "harley", "corvette", "camaro", "mercedes", "yankees", "lakers",
        "chelsea", "arsenal", "liverpool", "barcelona", "realmadrid", "juventus", "qwe", "asd", "zxc", "poiuytrewq",
        "mnbvcxz", "lkjhgfdsa", "trustnoone", "nopassword", "semsenha", "mypassword", "yourpassword", "secretpassword",
        "supersecret", "topsecret", "privado", "private", "entrar", "entrada", "seguranca", "security",
    ]

    /// Whole phrases that people choose because they are long and easy to remember, and that
    /// guessers therefore try early.
    static let phrases: Set<String> = [
        "correct horse battery staple", "correcthorsebatterystaple", "iloveyouforever", "iloveyousomuch",
        "ilovemyfamily", "ilovemymom", "ilovemydad", "ilovemydog", "ilovemycat", "iloveyoubaby", "letmeinplease",
        "pleaseletmein", "thequickbrownfox", "thequickbrownfoxjumpsoverthelazydog", "maytheforcebewithyou",
        "opensesame123", "passwordpassword", "changemenow", "changethispassword", "changemeplease", "mynewpassword",
        "mysecretpassword", "mypasswordis", "thisismypassword", "thisisapassword", "thisisnotapassword",
        "notmypassword", "forgotmypassword", "idontknow", "idontcare", "whatisthepassword", "welcometothejungle",
        "welcometothecompany", "welcomehome", "happybirthday", "goodmorning", "goodafternoon", "goodnight",
        "blessedandhighlyfavored", "godisgood", "godisgreat", "godisloveforever", "jesuslovesme", "jesusteama",
        "deuseamor", "deuseumaravilha", "deusefiel123", "deusnocomando", "deuseminhavida", "meuamoreterno",
        "euteamomuito", "teamomuito", "amorverdadeiro", "minhafamilia", "minhavida", "minhamae", "meupai",
        "meufilho", "minhafilha", "vivaavida", "vidaloka", "vidabela", "felicidade123", "brasilcampeao",
        "brasilpentacampeao", "flamengocampeao", "mengaoocampeao", "vaicorinthians", "timaodocoracao",
        "palmeirasnaotemmundial", "senhasupersecreta", "senhasegura", "senhaforte", "senhafacil", "senhanova",
        "minhasenhasecreta", "minhasenhaforte", "novasenha2024", "novasenha2025", "novasenha2026", "qwertyqwerty",
        "qwerty123456", "qwertyuiop123", "asdfasdfasdf", "asdfghjkl123", "zxcvbnm12345", "1q2w3e4r5t6y",
        "1q2w3e4r5t6y7u", "q1w2e3r4t5y6", "a1b2c3d4e5f6", "1a2b3c4d5e6f", "abc123abc123", "abcd1234abcd",
        "1234abcd1234", "12345qwerty", "123456qwerty", "123qweasdzxc", "qweasdzxc123", "zaq12wsxcde3",
        "1qazxsw23edc", "123456789abc", "123456789qwe", "123456789012", "098765432109", "111222333444",
        "112233445566", "123123123123", "121212121212", "123321123321", "147258369147", "159753159753",
        "741852963741", "789456123789", "987654321987", "101010101010", "202020202020", "000000000000",
        "999999999999", "696969696969", "123454321234", "246813579246", "135792468135", "147852369147",
        "password1234", "password12345", "password123456", "password2024", "password2025", "password2026",
        "passw0rd1234", "p@ssw0rd1234", "p@ssword1234", "senha1234567", "senha12345678", "senha123456789",
        "admin1234567", "admin12345678", "administrator1", "welcome12345", "welcome123456", "iloveyou1234",
        "iloveyou12345", "letmein12345", "monkey123456", "dragon123456", "football1234", "baseball1234",
        "sunshine1234", "princess1234", "superman1234", "batman123456", "starwars1234", "trustno1trustno1",
        "whatever1234", "computer1234", "internet1234", "changeme1234", "qwerty1234567", "1234567890qwerty",
        "qwertyuiopasdfghjkl", "qwertyuiopasdf", "zxcvbnmasdfghjkl", "asdfghjklqwerty", "poiuytrewqasdf",
        "mnbvcxzlkjhgfdsa", "aaaaaaaaaaaa", "abcdefghijklm", "abcdefghijklmnop", "abcdefghijklmnopqrstuvwxyz",
        "zyxwvutsrqponm", "alphabetsoup", "letmeinletmein", "iamthebest", "iamthegreatest", "iamtheking",
        "youcantguessit", "youwillneverguess", "guessmypassword", "hackmeifyoucan", "donthackme", "nothackable",
        "supersecret123", "topsecret1234", "verysecretpassword", "secretsecret", "mysecret1234", "openopen1234",
        "loginlogin12", "adminadmin12", "rootroot1234", "testtest1234", "userpassword", "usuario12345",
        "usuariosenha", "suporte12345", "suportesuporte", "helpdesk1234", "empresa12345", "cliente12345",
        "boleta123456", "financeiro12", "gerente12345", "bemvindo1234", "bemvindo2024", "bemvindo2025",
        "bemvindo2026", "primeiroacesso", "primeiroacesso1", "acessoinicial", "senhainicial", "senhapadrao",
        "senhaprovisoria", "senhatemporaria", "temporario123", "temporary1234", "temppassword", "passwordtemp",
        "newpassword123", "newpassword1234", "oldpassword123", "mypassword123", "mypassword1234", "thepassword123",
        "summer2024summer", "winter2024winter", "spring2025spring", "janeiro2025", "dezembro2024", "natal2024natal",
        "feliznatal2024", "anonovo2025", "merrychristmas", "happynewyear", "happyhalloween", "harrypotter123",
        "hogwartsforever", "lordoftherings", "gameofthrones", "breakingbad123", "strangerthings", "starwars12345",
        "darthvader123", "lukeskywalker", "mickeymouse123", "minniemouse123", "hellokitty123", "spongebob1234",
        "pokemongo1234", "pikachu123456", "naruto123456", "onepiece1234", "dragonball123", "minecraft1234",
        "fortnite1234", "playstation1", "playstation4", "playstation5", "xboxlive1234", "nintendoswitch",
        "manchesterunited", "liverpoolfc", "barcelona1234", "realmadrid123", "cristianoronaldo", "lionelmessi10",
        "neymarjr1010", "pele10101010", "ronaldinho10", "ayrtonsenna", "copadomundo", "seleçãobrasileira",
    ]
}

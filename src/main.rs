use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use gongkai::Options;
use gongkai::date::Date;
use gongkai::diag::Report;
use gongkai::source::SourceMap;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// gongkai（公开）：电子商务进农村综合示范专栏的静态网站生成器
#[derive(Parser)]
#[command(name = "gongkai", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 检查所有记录并生成网站（有错误时不改动原有网站）
    Build(BuildArgs),
    /// 生成网站，成功后把新公开、更正和撤回的记录追加到公开记录 ledger.jsonl
    Publish(BuildArgs),
    /// 公开记录 ledger.jsonl：init 为已有的专栏建立公开记录
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// 省级专区：zone build 同步各县专栏的数据并生成专区网站
    #[command(subcommand)]
    Zone(ZoneCommand),
    /// 核对两份已发布的网站：新的一份的公开记录是否原样延续旧的一份，数据是否与公开记录一致
    Verify {
        /// 旧的一份：网站文件夹，或网站根目录的 http(s) 网址
        old: String,
        /// 新的一份：网站文件夹，或网站根目录的 http(s) 网址
        new: String,
    },
    /// 只检查，不生成网站（页面在内存里生成一遍，链接也检查）
    Check(CheckArgs),
    /// 本机预览：修改文件后自动重新生成并刷新浏览器
    Serve(ServeArgs),
    /// 从台账表格（.xlsx 或 .csv）导入项目或月度进度
    Import(ImportArgs),
    /// 生成性能测试用的大型站点（确定性的，检查无错误）
    BenchCorpus {
        /// 项目数
        #[arg(long, default_value_t = 1000)]
        projects: usize,
        /// 每个项目的月度进度数
        #[arg(long, default_value_t = 36)]
        months: u32,
        /// 输出文件夹（不存在或为空）
        dir: PathBuf,
    },
    /// 新建一个站点：每种记录一个带注释的示例
    Init {
        /// 新站点的文件夹（不存在或为空）
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum ZoneCommand {
    /// 读专区文件，同步每个县发布的专栏数据（保存在专区文件旁的 zone-state/），评分并生成专区网站
    Build {
        /// 专区文件
        #[arg(long, default_value = "zone.toml", value_name = "FILE")]
        zone: PathBuf,
        /// 输出文件夹，默认为专区文件旁的 public/
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// 按哪一天判断（年-月-日），默认今天（北京时间）
        #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
        as_of: Option<Date>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum LedgerCommand {
    /// 为已有的专栏建立公开记录：每条已公开的记录按它自己的公开日期登记（import）
    Init {
        /// 站点文件夹（含 config.toml 和 content/）
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 按哪一天判断哪些记录已公开（年-月-日），默认今天（北京时间）
        #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
        as_of: Option<Date>,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// 站点文件夹（含 config.toml 和 content/）
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// 端口；被占用时自动换一个空闲端口，0 表示任意空闲端口
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// 按哪一天判断（年-月-日），默认今天（北京时间）
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// 定时检查文件变化（用于收不到变化通知的网络盘、虚拟机共享文件夹）
    #[arg(long)]
    poll: bool,
}

#[derive(Args)]
struct CommonArgs {
    /// 站点文件夹（含 config.toml 和 content/）
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// 按哪一天判断是否按时公开（年-月-日），默认今天（北京时间）
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// 把所有警告当作错误
    #[arg(long)]
    strict: bool,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// 打印政府网站抽查自查表：每个单项否决和扣分指标的 通过 / 有风险（日期）/ 不通过 和依据
    #[arg(long)]
    spot_check: bool,
    /// 另外列出指向其他网站的链接（gongkai 不打开其他网站，请逐个核对）
    #[arg(long)]
    links: bool,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// 输出文件夹，默认为站点文件夹下的 public/
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// 网站地址，覆盖 config.toml 的 base_url
    #[arg(long, value_parser = parse_url, value_name = "URL")]
    base_url: Option<String>,
}

#[derive(Args)]
#[command(
    after_help = "表格第一行是表头。项目表认：项目编号、项目名称、项目板块、决策文件、承办单位、统一社会信用代码、\
承办单位责任人、联系电话、扶持资金（万元）或各资金来源名称、开工日期、完成时限、完工日期、验收日期、公开日期、\
建设内容、绩效目标。进度表认：项目编号（或项目名称）、月份、完成比例、累计拨付、公开日期、进度说明、绩效完成情况。"
)]
struct ImportArgs {
    /// projects（项目）或 progress（月度进度）
    #[arg(value_enum)]
    what: ImportKind,
    /// 表格文件：.xlsx，或 UTF-8 / GB18030 编码的 .csv
    file: PathBuf,
    /// 站点文件夹
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// 文件里已有且与表格不同的值，也以表格为准改掉
    #[arg(long)]
    overwrite: bool,
    /// 只显示会做什么，不改文件
    #[arg(long)]
    dry_run: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ImportKind {
    Projects,
    Progress,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn parse_date(s: &str) -> Result<Date, String> {
    let d = Date::parse(s).ok_or_else(|| format!("“{s}” 不是日期，请写成 2022-09-01"))?;
    if !d.in_years() {
        return Err(format!(
            "“{s}” 的年份不在 {} 到 {} 之间",
            gongkai::date::YEARS.start(),
            gongkai::date::YEARS.end()
        ));
    }
    Ok(d)
}

fn parse_url(s: &str) -> Result<String, String> {
    if gongkai::load::records::web_address(s) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "“{s}” 不是网址：要以 https:// 或 http:// 开头，后面是网站的域名，例如 https://www.example.gov.cn/zl/dzsw"
        ))
    }
}

fn main() -> ExitCode {
    // Output piped into `head` that stops reading ends the program quietly, as for any command,
    // instead of failing the next print.
    // SAFETY: restoring the default action of a signal, before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(args),
        Command::Build(args) => build(args, false),
        Command::Publish(args) => build(args, true),
        Command::Ledger(LedgerCommand::Init { root, as_of }) => ledger_init(root, as_of),
        Command::Verify { old, new } => verify(&old, &new),
        Command::Zone(ZoneCommand::Build {
            zone,
            output,
            as_of,
            format,
        }) => zone_build(zone, output, as_of, format),
        Command::Import(args) => {
            let opts = gongkai::import::ImportOptions {
                root: args.root,
                file: args.file,
                kind: match args.what {
                    ImportKind::Projects => gongkai::import::Kind::Projects,
                    ImportKind::Progress => gongkai::import::Kind::Progress,
                },
                overwrite: args.overwrite,
                dry_run: args.dry_run,
            };
            match gongkai::import::import(&opts) {
                Ok(outcome) => {
                    for line in &outcome.lines {
                        println!("{line}");
                    }
                    println!("{}", outcome.summary(opts.dry_run));
                    if !opts.dry_run {
                        println!("下一步：运行 gongkai check 检查导入的记录");
                    }
                    ExitCode::from(u8::from(outcome.bad_rows > 0))
                }
                Err(e) => {
                    eprintln!("错误：{e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::BenchCorpus {
            projects,
            months,
            dir,
        } => match gongkai::corpus::generate(&dir, projects, months) {
            Ok(n) => {
                println!("已生成 {n} 个文件到 {}", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("错误：{e}");
                ExitCode::from(2)
            }
        },
        Command::Init { dir } => match gongkai::init::init(&dir, Date::today_in_china()) {
            Ok(n) => {
                println!("已在 {} 新建站点（{n} 个文件）。下一步：", dir.display());
                println!("  cd {}", dir.display());
                println!(
                    "  gongkai check    # 示例里的 ××、张三、0000-0000000 等占位内容要换成本县的真实信息，这里逐条列出文件和行"
                );
                println!("  gongkai serve    # 预览，改文件后自动刷新");
                println!("  gongkai build    # 生成网站到 public/");
                println!(
                    "  gongkai publish  # 定稿：生成网站，并把新公开、更正、撤回登记到公开记录 ledger.jsonl"
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("错误：{e}");
                ExitCode::from(2)
            }
        },
        Command::Serve(args) => {
            let opts = gongkai::serve::ServeOptions {
                root: args.root,
                port: args.port,
                as_of: args.as_of,
                poll: args.poll,
            };
            match gongkai::serve::serve(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("错误：{e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn options(common: &CommonArgs, base_url: Option<String>) -> Options {
    Options {
        root: common.root.clone(),
        as_of: common.as_of,
        strict: common.strict,
        base_url,
        // The bar shares stderr with the text report only; JSON callers get no bar.
        progress: match common.format {
            Format::Text => gongkai::progress::Progress::terminal(),
            Format::Json => Default::default(),
        },
    }
}

fn zone_build(
    zone: PathBuf,
    output: Option<PathBuf>,
    as_of: Option<Date>,
    format: Format,
) -> ExitCode {
    let base = zone
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let opts = gongkai::zone::ZoneOptions {
        output: output.unwrap_or_else(|| base.join("public")),
        zone_file: zone,
        as_of,
    };
    match gongkai::zone::build(&opts) {
        Ok(built) => {
            print(&built.report, &built.sources, format);
            if built.written == 0 {
                eprintln!(
                    "专区文件有错误，未生成专区网站；{} 保持原样",
                    opts.output.display()
                );
                return ExitCode::from(1);
            }
            eprintln!(
                "已生成专区网站：{} 个文件写入 {}",
                built.written,
                opts.output.display()
            );
            if built.report.has_errors() {
                eprintln!("有县的数据被拒绝，专区按保存的副本生成");
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(2)
        }
    }
}

fn print(report: &Report, sources: &SourceMap, format: Format) {
    match format {
        Format::Json => println!("{}", report.to_json()),
        Format::Text => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            eprint!("{}", report.to_text(sources, color));
        }
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let opts = options(&args.common, None);
    let outcome = gongkai::check_all(&opts);
    opts.progress.finish();
    let outcome = match outcome {
        Ok(o) => o,
        Err(gongkai::RunError::Load(e)) => {
            eprintln!("错误：{e}");
            return ExitCode::from(2);
        }
        Err(gongkai::RunError::Io(e)) => {
            eprintln!("错误：{e}");
            return ExitCode::from(2);
        }
    };
    let checked = &outcome.checked;
    let site = &checked.loaded.site;
    let code = if args.spot_check {
        let base = gongkai::base_url(&opts, site);
        let spot = gongkai::spotcheck::SpotCheck::new(
            site,
            &checked.derived,
            &checked.report,
            outcome.crawl.as_ref(),
            base.as_deref(),
        );
        match args.common.format {
            Format::Json => println!("{}", spot.to_json()),
            Format::Text => print!("{}", spot.to_text()),
        }
        ExitCode::from(u8::from(spot.fails() || checked.report.has_errors()))
    } else {
        let external = match (&outcome.crawl, args.links) {
            (Some(crawl), true) => Some(gongkai::check::broken_link::external(site, crawl)),
            _ => None,
        };
        match (args.common.format, &external) {
            (Format::Json, Some(list)) => {
                let mut json: serde_json::Value =
                    serde_json::from_str(&checked.report.to_json()).expect("the report's JSON");
                json["external_links"] = serde_json::to_value(list).expect("links as JSON");
                println!("{json}");
            }
            _ => print(&checked.report, &site.sources, args.common.format),
        }
        if args.links && args.common.format == Format::Text {
            match &external {
                Some(list) => print!("{}", gongkai::spotcheck::links_text(list)),
                None => eprintln!("有错误，页面没有生成，外部链接没有列出：先改正上面的错误"),
            }
        }
        ExitCode::from(u8::from(checked.report.has_errors()))
    };
    // The process ends here: freeing a large site piece by piece would only delay it.
    std::mem::forget(outcome);
    code
}

fn build(args: BuildArgs, publish: bool) -> ExitCode {
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| args.common.root.join("public"));
    let opts = options(&args.common, args.base_url.clone());
    let built = if publish {
        gongkai::publish_site(&opts, &output)
    } else {
        gongkai::build_site(&opts, &output)
    };
    opts.progress.finish();
    match built {
        Ok(built) => {
            print(
                &built.checked.report,
                &built.checked.loaded.site.sources,
                args.common.format,
            );
            let code = match built.written {
                Some(n) => {
                    if let Some(recorded) = &built.recorded {
                        for entry in &recorded.entries {
                            eprintln!("  {}", entry.line());
                        }
                        eprintln!("{}", recorded.summary());
                    }
                    eprintln!("已生成网站：{} 个文件写入 {}", n, output.display());
                    ExitCode::SUCCESS
                }
                None if publish => {
                    eprintln!(
                        "有错误，未生成网站，公开记录 {} 也没有追加；{} 保持原样",
                        gongkai::ledger::FILE,
                        output.display()
                    );
                    ExitCode::from(1)
                }
                None => {
                    eprintln!("有错误，未生成网站；{} 保持原样", output.display());
                    ExitCode::from(1)
                }
            };
            // As in `check`: the process ends here.
            std::mem::forget(built);
            code
        }
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(2)
        }
    }
}

fn ledger_init(root: PathBuf, as_of: Option<Date>) -> ExitCode {
    let opts = Options {
        root,
        as_of,
        strict: false,
        base_url: None,
        progress: gongkai::progress::Progress::terminal(),
    };
    let done = gongkai::ledger_init(&opts);
    opts.progress.finish();
    match done {
        Ok(gongkai::Initialised::Written(gongkai::publish::Adopted {
            count,
            withdrawn,
            head,
        })) => {
            let head = head.map_or(String::new(), |h| {
                format!("，最新哈希 {}", &gongkai::ledger::hex(&h)[..12])
            });
            println!(
                "已建立公开记录 {}：{count} 条（其中撤回 {withdrawn} 条）{head}",
                opts.root.join(gongkai::ledger::FILE).display()
            );
            println!("以后用 gongkai publish 生成网站：新公开、更正和撤回的记录会追加在它的末尾");
            ExitCode::SUCCESS
        }
        Ok(gongkai::Initialised::Refused(checked)) => {
            print(&checked.report, &checked.loaded.site.sources, Format::Text);
            eprintln!("有错误，没有建立公开记录：改正之后再运行 gongkai ledger init");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(2)
        }
    }
}

fn verify(old: &str, new: &str) -> ExitCode {
    use gongkai::ledger::verify::Failure;
    match gongkai::ledger::verify::verify(old, new) {
        Ok(v) => {
            for line in &v.lines {
                println!("{line}");
            }
            println!("结论：一致。新副本原样延续了旧副本的公开记录，开放数据与公开记录相符");
            ExitCode::SUCCESS
        }
        Err(Failure::Diverged { found, report }) => {
            for line in &report {
                println!("{line}");
            }
            println!("结论：不一致。{found}");
            ExitCode::from(1)
        }
        Err(Failure::Unreadable(e)) => {
            eprintln!("错误：{e}");
            ExitCode::from(2)
        }
    }
}

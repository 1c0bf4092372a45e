/* err: the one error enum of the program, each with its HTTP status, its kintone error code and
 * its message in Japanese and English; and struct fail, which carries the error of one request
 * (code, localized message, per-field "errors" object) from the domain layer to the response.
 * Domain functions return enum err and record details in the caller's struct fail. */
#ifndef MADO_ERR_H
#define MADO_ERR_H

#include <jansson.h>
#include <stdbool.h>

#define MUST_CHECK __attribute__((warn_unused_result))

enum lang { LANG_JA = 0, LANG_EN = 1 };

/* X(name, http status, kintone code, ja message, en message); "%s" takes the optional argument. */
#define ERR_LIST(X)                                                                                \
    X(ERR_OK, 200, "", "", "")                                                                     \
    X(ERR_AUTH_REQUIRED, 401, "CB_AU01", "ログインしてください。", "Please login.")                \
    X(ERR_AUTH_FAILED, 401, "CB_WA01", "ユーザーのパスワード認証に失敗しました。",                 \
      "Password authentication failed.")                                                           \
    X(ERR_TOKEN_APP, 400, "GAIA_IA02",                                                             \
      "指定したAPIトークンは、アプリで発行されたAPIトークンと一致しません。",                      \
      "The specified API token does not match the API token generated via an app.")              \
    X(ERR_TOKEN_INVALID, 401, "GAIA_IA01", "APIトークンが不正です。", "The API token is invalid.")   \
    X(ERR_FORBIDDEN, 403, "CB_NO02", "権限がありません。", "No privilege to proceed.")             \
    X(ERR_INVALID, 400, "CB_VA01", "入力内容が正しくありません。", "Missing or invalid input.")    \
    X(ERR_BAD_JSON, 400, "CB_IJ01", "不正なJSON文字列です。", "Invalid JSON string.")              \
    X(ERR_RECORD_NOT_FOUND, 404, "GAIA_RE01", "指定したレコード（id: %s）が見つかりません。",      \
      "The specified record (ID: %s) is not found.")                                             \
    X(ERR_APP_NOT_FOUND, 404, "GAIA_AP01",                                                         \
      "指定したアプリ（id: %s）が見つかりません。削除されている可能性があります。",                \
      "The app (ID: %s) not found. The app may have been deleted.")                               \
    X(ERR_FILE_NOT_FOUND, 404, "GAIA_BL01", "指定したファイル（id: %s）が見つかりません。",        \
      "The specified file (id: %s) not found.")                                                    \
    X(ERR_COMMENT_NOT_FOUND, 400, "GAIA_RE02", "指定したコメントが存在しません。",                 \
      "The specified comment does not exist.")                                                     \
    X(ERR_REVISION, 409, "GAIA_CO02",                                                              \
      "指定したrevisionは最新ではありません。ほかのユーザーがレコードを更新した可能性があります。", \
      "The revision is not the latest. Someone may update a record.")                             \
    X(ERR_UNIQUE, 400, "GAIA_DU01", "値がほかのレコードと重複しています。",                        \
      "This value already exists in another record.")                                              \
    X(ERR_QUERY_LIMIT, 400, "GAIA_QU01", "limitには500以下の値を指定してください。",               \
      "The limit must be 500 or less.")                                                            \
    X(ERR_QUERY_OFFSET, 400, "GAIA_QU02", "offsetには10000以下の値を指定してください。",           \
      "The offset must be 10000 or less.")                                                         \
    X(ERR_QUERY_FIELD, 400, "GAIA_IQ11", "指定されたフィールド（%s）が見つかりません。",           \
      "Specified field (%s) not found.")                                                           \
    X(ERR_QUERY_OP, 400, "GAIA_IQ03", "クエリ記法が間違っています。フィールド（%s）に使用できない演算子です。", \
      "The query contains an operator that cannot be used with the field (%s).")                   \
    X(ERR_QUERY_TABLE_EQ, 400, "GAIA_IQ07",                                                        \
      "テーブル内のフィールド（%s）には「=」「!=」演算子を使用できません。",                       \
      "The operators \"=\" and \"!=\" cannot be used with a field in a table (%s).")              \
    X(ERR_QUERY_FUNC, 400, "GAIA_IQ23", "関数の引数が正しくありません（%s）。",                    \
      "Invalid function argument (%s).")                                                           \
    X(ERR_CURSOR_NOT_FOUND, 404, "GAIA_CU01", "指定したカーソルが見つかりません。",                \
      "The specified cursor does not exist.")                                                      \
    X(ERR_CURSOR_LIMIT, 400, "GAIA_CU02", "作成できるカーソルの上限に達しています。",              \
      "The number of cursors reached the limit.")                                                  \
    X(ERR_STATUS_DISABLED, 400, "GAIA_ST02", "プロセス管理機能が無効です。",                       \
      "Process management is disabled.")                                                           \
    X(ERR_WF_ACTION, 400, "GAIA_IL03",                                                             \
      "ステータスの変更に失敗しました。現在のステータスではこのアクションを実行できません。",       \
      "Failed to update the status. The action is not available in the current status.")          \
    X(ERR_WF_NOT_ASSIGNEE, 403, "MD_WF01",                                                         \
      "作業者ではないため、このアクションを実行できません。",                                        \
      "Only the assignees of the current status can perform this action.")                       \
    X(ERR_DEPLOYING, 409, "GAIA_AP02", "アプリの設定を運用環境へ反映中です。",                     \
      "The app settings are being deployed.")                                                      \
    X(ERR_TOO_LARGE, 413, "CB_IL02", "リクエストのサイズが上限を超えています。",                   \
      "The request is too large.")                                                                 \
    X(ERR_NO_ROUTE, 404, "CB_UR01", "指定したAPIは存在しません。", "The specified API does not exist.") \
    X(ERR_METHOD, 405, "CB_UR02", "このAPIはこのメソッドに対応していません。",                     \
      "This API does not support the method.")                                                     \
    X(ERR_TOO_MANY, 429, "GAIA_TO04", "同時に実行できるAPIリクエストの上限を超えています。",       \
      "The number of concurrent API requests exceeds the limit.")                                 \
    X(ERR_RATE_LIMITED, 429, "MD_RL01", "試行回数が上限を超えました。しばらくしてから再度お試しください。", \
      "Too many attempts. Please try again later.")                                               \
    X(ERR_CSRF, 403, "MD_CS01", "リクエストトークンが不正です。画面を再読み込みしてください。",    \
      "The request token is missing or invalid. Please reload the page.")                        \
    X(ERR_IP_DENIED, 403, "MD_IP01", "このIPアドレスからのアクセスは許可されていません。",          \
      "Access from this IP address is not allowed.")                                              \
    X(ERR_SESSION_EXPIRED, 401, "MD_SE01", "セッションの有効期限が切れました。再度ログインしてください。", \
      "Your session has expired. Please log in again.")                                           \
    X(ERR_MFA_REQUIRED, 401, "MD_MF01", "二要素認証（確認コード）が必要です。",                    \
      "Two-factor authentication is required.")                                                   \
    X(ERR_PASSWORD_CHANGE, 403, "MD_PW01", "パスワードを変更してください。",                       \
      "You must change your password before continuing.")                                         \
    X(ERR_VERIFY_FAILED, 400, "MD_AV01",                                                           \
      "確認コードが正しくないか、有効期限が切れています。メールをご確認のうえ、もう一度入力してください。", \
      "The code is wrong or has expired. Please check the mail and try again.")                  \
    X(ERR_APPLICANT_REQUIRED, 401, "MD_AV02",                                                      \
      "メールアドレスの確認が必要です。もう一度確認コードを受け取ってください。",                  \
      "Please verify your e-mail address again.")                                                 \
    X(ERR_NOT_FOUND, 404, "MD_NF01", "指定した%sが見つかりません。", "The specified %s was not found.") \
    X(ERR_INTERNAL, 500, "CB_IS01", "内部エラーが発生しました。", "An internal error occurred.")    \
    X(ERR_UNAVAILABLE, 503, "CB_IS02", "データベースに接続できません。",                           \
      "The database is unavailable.")

enum err {
#define X(name, status, code, ja, en) name,
    ERR_LIST(X)
#undef X
        ERR__COUNT
};

/* Messages for per-field "errors" entries. */
#define MSG_LIST(X)                                                                                \
    X(MSG_REQUIRED, "必須です。", "Required.")                                                     \
    X(MSG_BAD_TYPE, "値の型が正しくありません。", "The value type is invalid.")                    \
    X(MSG_NOT_NUMBER, "数字でなければなりません。", "Only numbers are allowed.")                   \
    X(MSG_BAD_OPTION, "\"%s\"は選択肢にありません。", "The value, \"%s\", is not in options.")     \
    X(MSG_TOO_LONG, "%s文字より短くなければなりません。", "Enter less than %s characters.")        \
    X(MSG_TOO_SHORT, "%s文字より長くなければなりません。", "Enter more than %s characters.")       \
    X(MSG_TOO_BIG, "%s以下である必要があります。", "The value must be %s or less.")               \
    X(MSG_TOO_SMALL, "%s以上である必要があります。", "The value must be %s or more.")              \
    X(MSG_DIGITS, "桁数が多すぎます。", "Too many digits.")                                        \
    X(MSG_BAD_DATE, "日付の形式が不正です。", "The date format is invalid.")                       \
    X(MSG_BAD_TIME, "時刻の形式が不正です。", "The time format is invalid.")                       \
    X(MSG_BAD_DATETIME, "日時の形式が不正です。", "The date and time format is invalid.")          \
    X(MSG_DUPLICATE, "値がほかのレコードと重複しています。",                                        \
      "This value already exists in another record.")                                              \
    X(MSG_UNKNOWN_FIELD, "指定したフィールド（%s）が見つかりません。",                             \
      "The specified field (%s) does not exist.")                                                  \
    X(MSG_NOT_WRITABLE, "このフィールドは更新できません。", "This field cannot be updated.")       \
    X(MSG_BAD_FILE, "ファイルキー（%s）が見つかりません。", "The file key (%s) does not exist.")  \
    X(MSG_BAD_ENTITY, "\"%s\"は存在しません。", "\"%s\" does not exist.")                          \
    X(MSG_BAD_URL, "URLの形式が不正です。", "The URL format is invalid.")                          \
    X(MSG_MISSING, "必須です。", "Required.")                                                      \
    X(MSG_BAD_PARAM, "値が不正です。", "The value is invalid.")                                    \
    X(MSG_MAX_ITEMS, "%s件以下にしてください。", "Specify %s or fewer items.")                      \
    X(MSG_QUERY_SYNTAX, "クエリ記法が間違っています。%s", "The query has a syntax error. %s")     \
    X(MSG_TEXT, "%s", "%s")

enum msg {
#define X(name, ja, en) name,
    MSG_LIST(X)
#undef X
        MSG__COUNT
};

struct arena;

struct fail {
    struct arena *arena;
    enum lang lang;
    enum err code;
    const char *message; /* localized; NULL until fail_set */
    json_t *errors;      /* NULL or {"key":{"messages":[...]}}, owned (decref'd by arena) */
};

void fail_init(struct fail *f, struct arena *a, enum lang lang);
int err_status(enum err e);
const char *err_code(enum err e);
/* Template of the message ("%s" marks the argument). */
const char *err_template(enum err e, enum lang lang);
const char *msg_template(enum msg m, enum lang lang);

/* Records e with its message (arg fills "%s", may be NULL) and returns e. The first call wins
 * only if the current code is ERR_OK or ERR_INVALID collected from fail_field(). */
enum err fail_set(struct fail *f, enum err e, const char *arg);
/* Same with a custom message (already localized by the caller). */
enum err fail_with_message(struct fail *f, enum err e, const char *message);
/* Adds a per-field message under key (kintone paths: "record.foo.value"). */
void fail_field(struct fail *f, const char *key, enum msg m, const char *arg);
bool fail_has_fields(const struct fail *f);
/* Moves the field errors of src into dst, prefixing keys (e.g. "records[3]."). */
void fail_merge_prefixed(struct fail *dst, struct fail *src, const char *prefix);

#endif
